package dev.ferry.bastion.vps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dial rules on resolved addresses, and name lookups kept off the caller's thread. */
class DialGuardTest {

    @Test
    void aNameIsLookedUpOffTheCallersThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DialGuard guard = new DialGuard(host -> {
            try {
                release.await(); // a resolver that hangs, as a dead DNS server does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {(byte) 192, 0, 2, 9})};
        });
        long start = System.nanoTime();
        CompletableFuture<InetAddress> f = guard.resolveAsync(new Endpoint("vps.example", 22), false);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 500, "the caller did not wait");
        assertFalse(f.isDone());
        release.countDown();
        assertEquals("192.0.2.9", f.get(5, TimeUnit.SECONDS).getHostAddress());
    }

    @Test
    void aLiteralIsCheckedAtOnceAndNeverLookedUp() {
        DialGuard guard = new DialGuard(host -> {
            throw new AssertionError("a literal was looked up: " + host);
        });
        assertEquals("192.0.2.9", guard.resolveAsync(new Endpoint("192.0.2.9", 22), false).join().getHostAddress());
        CompletableFuture<InetAddress> metadata = guard.resolveAsync(new Endpoint("169.254.169.254", 80), true);
        assertTrue(metadata.isDone());
        assertInstanceOf(DialGuard.Refused.class, DialGuard.cause(assertThrows(CompletionException.class,
                metadata::join)));
    }

    @Test
    void theHostsOwnMachineOnlyWhenTheEndpointMayBeThere() throws Exception {
        DialGuard guard = new DialGuard(host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
        Endpoint moved = new Endpoint("runner-7.example", 40000);
        DialGuard.Refused e = assertThrows(DialGuard.Refused.class, () -> guard.resolve(moved, false));
        assertEquals("its endpoint runner-7.example:40000 resolves to 127.0.0.1, which is on the Host's own machine "
                + "(loopback, or one of its addresses) while its runner enrolled from another, which the bastion "
                + "never dials", e.getMessage());
        assertEquals("127.0.0.1", guard.resolve(moved, true).getHostAddress(), "ferry up, or an admin's endpoint");
    }
}
