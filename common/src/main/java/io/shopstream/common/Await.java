package io.shopstream.common;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.flink.util.TimeUtils;

/**
 * The suite's one way to wait (tests, the local cluster, the benchmarks): for a condition, with a
 * deadline, polling every 100 ms unless told otherwise. On time-out it fails with what it waited
 * for and the last value seen.
 */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {}

    /** A condition that may need I/O to decide. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** The deadline passed before the condition held. */
    public static final class TimedOut extends IllegalStateException {
        TimedOut(String message) {
            super(message);
        }
    }

    /**
     * Waits until {@code condition} holds and returns the {@link System#nanoTime()} at which it was
     * seen to hold; fails after {@code timeout}, naming {@code description}.
     */
    public static long until(Condition condition, Duration timeout, String description) {
        return until(condition, timeout, POLL, description);
    }

    /** As {@link #until(Condition, Duration, String)}, asking every {@code poll}. */
    public static long until(Condition condition, Duration timeout, Duration poll, String description) {
        long[] seenAt = new long[1];
        value(() -> {
            boolean holds = condition.holds();
            seenAt[0] = System.nanoTime();
            return holds;
        }, Boolean::booleanValue, timeout, poll, description);
        return seenAt[0];
    }

    /**
     * Probes until a value satisfies {@code done} and returns it; fails after {@code timeout},
     * naming {@code description} and showing the last value probed.
     */
    public static <T> T value(Callable<T> probe, Predicate<? super T> done, Duration timeout, String description) {
        return value(probe, done, timeout, POLL, description);
    }

    private static <T> T value(Callable<T> probe, Predicate<? super T> done, Duration timeout, Duration poll,
            String description) {
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
                throw new TimedOut("Timed out after " + TimeUtils.formatWithHighestUnit(timeout)
                        + " waiting for " + description
                        + "; last seen: " + (last.length() > 2_000 ? last.substring(0, 2_000) + " ..." : last));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + description, e);
            }
        }
    }
}
