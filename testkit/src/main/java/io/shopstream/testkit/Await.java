package io.shopstream.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.flink.util.TimeUtils;

/**
 * The one way a test waits: for a condition, with a deadline, polling every 100 ms. On time-out it
 * fails with what it waited for and the last value seen.
 */
public final class Await {

    private static final long POLL_MS = 100;

    private Await() {}

    /** A condition that may need I/O to decide. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits until {@code condition} holds; fails after {@code timeout}, naming {@code description}. */
    public static void until(Condition condition, Duration timeout, String description) {
        value(condition::holds, Boolean::booleanValue, timeout, description);
    }

    /**
     * Probes until a value satisfies {@code done} and returns it; fails after {@code timeout},
     * naming {@code description} and showing the last value probed.
     */
    public static <T> T value(Callable<T> probe, Predicate<? super T> done, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value;
            try {
                value = probe.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("Probing failed while waiting for " + description, e);
            }
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                String last = String.valueOf(value);
                throw new AssertionError("Timed out after " + TimeUtils.formatWithHighestUnit(timeout)
                        + " waiting for " + description
                        + "; last seen: " + (last.length() > 2_000 ? last.substring(0, 2_000) + " ..." : last));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + description, e);
            }
        }
    }
}
