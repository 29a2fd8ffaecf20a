package io.shopstream.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The cluster code's one wait: a condition polled until it holds, with a deadline. */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(250);

    private Await() {}

    /** Polls {@code condition} every 250 ms until it holds or {@code timeout} passes. */
    public static long until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        return until(what, timeout, POLL, condition);
    }

    /**
     * Polls {@code condition} every {@code poll} until it holds; returns the {@link System#nanoTime()}
     * at which it was seen to hold, or fails naming {@code what} once {@code timeout} has passed.
     */
    public static long until(String what, Duration timeout, Duration poll, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(poll.toMillis());
        }
        return System.nanoTime();
    }
}
