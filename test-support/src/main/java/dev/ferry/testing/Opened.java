package dev.ferry.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test class opened (a Host, an sshd, a client's Host and runner), closed for it after its tests, the last
 * opened first, instead of an {@code @AfterAll} or {@code @AfterEach} method in every class. As a field:
 * <pre>
 * {@literal @}RegisterExtension
 * final Opened opened = Opened.untilAllTestsRan();   // what {@literal @}BeforeAll opened (PER_CLASS lifecycle)
 * ...
 * t = opened.add(BastionTestSupport.start(dir));
 * </pre>
 * or {@link #untilEachTestRan()} for what a {@code @BeforeEach} method opens. A close that fails fails the test
 * class once everything else is closed.
 */
public final class Opened implements AfterEachCallback, AfterAllCallback {
    private final boolean eachTest;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    private Opened(boolean eachTest) {
        this.eachTest = eachTest;
    }

    /** Closes what was added after all the class's tests ran. */
    public static Opened untilAllTestsRan() {
        return new Opened(false);
    }

    /** Closes what was added after each test. */
    public static Opened untilEachTestRan() {
        return new Opened(true);
    }

    /** Closes {@code resource} after the tests; returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        open.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (eachTest) {
            closeAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll();
    }

    private void closeAll() throws Exception {
        Exception first = null;
        while (true) {
            AutoCloseable next;
            synchronized (this) {
                next = open.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
