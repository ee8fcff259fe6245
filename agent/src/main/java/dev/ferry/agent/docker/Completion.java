package dev.ferry.agent.docker;

import com.github.dockerjava.api.async.ResultCallback;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A docker-java stream callback that hands the stream's end to the caller instead of logging it:
 * docker-java's own callbacks log every failed pull as an ERROR with a stack trace, while here a failed
 * pull is an expected answer that becomes the VPS's error sentence.
 */
final class Completion<T> implements ResultCallback<T> {
    private final Consumer<T> onItem;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Closeable stream;
    private volatile Throwable error;
    private volatile boolean closed;

    Completion(Consumer<T> onItem) {
        this.onItem = onItem;
    }

    @Override
    public void onStart(Closeable stream) {
        this.stream = stream;
        if (closed) {
            close(); // abandoned while it waited for a connection: do not let it run on unread
        }
    }

    @Override
    public void onNext(T item) {
        onItem.accept(item);
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        done.countDown();
    }

    @Override
    public void onComplete() {
        done.countDown();
    }

    /**
     * @return false when the stream did not end in time (it is closed then)
     * @throws RuntimeException the stream's error, as docker-java reported it
     */
    boolean await(long millis) throws InterruptedException {
        boolean ended = done.await(millis, TimeUnit.MILLISECONDS);
        if (!ended) {
            close();
            return false;
        }
        Throwable e = error;
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        done.countDown();
        Closeable s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // the stream is going away either way
            }
        }
    }
}
