package io.shopstream.cluster;

import io.shopstream.categorystats.CategoryStatsOptions;
import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.time.EventTime;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the chaos test prints when a wait times out, and how far the enriched partitions are out of order. */
final class ChaosDiagnostics {

    private static final PrintStream OUT = System.out;

    private final FlinkRest rest;
    private final Map<String, String> jobIds;

    ChaosDiagnostics(LocalCluster cluster, Map<String, String> jobIds) {
        this.rest = cluster.rest();
        this.jobIds = jobIds;
    }

    /** Waits like {@link Await#until}; on time-out prints every job's watermarks, which say where it stands, and fails. */
    void awaitOrShowWatermarks(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try {
            Await.until(condition::getAsBoolean, timeout, what);
        } catch (Await.TimedOut timedOut) {
            OUT.println(timedOut.getMessage() + "; current input watermark per operator chain:");
            jobIds.forEach((job, id) -> rest.watermarks(id).forEach((vertex, wm) -> OUT.printf("  %s / %s: %s%n", job, vertex,
                    wm == Long.MIN_VALUE ? "none" : Instant.ofEpochMilli(wm))));
            throw timedOut;
        }
    }

    /**
     * Waits like {@link Await#until}; on time-out prints every job's state and exceptions and goes
     * on, so that the exact comparisons that follow say what is missing.
     */
    void awaitOrShowExceptions(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try {
            Await.until(condition::getAsBoolean, timeout, what);
        } catch (Await.TimedOut timedOut) {
            OUT.println(timedOut.getMessage() + "; job states and exceptions:");
            for (String id : jobIds.values()) {
                OUT.println("  " + rest.job(id) + " " + rest.get("/jobs/" + id + "/exceptions").map(Object::toString)
                        .map(t -> t.substring(0, Math.min(2000, t.length()))).orElse(""));
            }
        }
    }

    /** Waits until {@code job} has completed {@code more} checkpoints after now: whatever it wrote is committed. */
    void awaitMoreCheckpoints(String job, int more) throws InterruptedException {
        String id = jobIds.get(job);
        long now = rest.completedCheckpoints(id);
        Await.until(() -> rest.completedCheckpoints(id) >= now + more,
                Duration.ofSeconds(120), more + " more checkpoints of " + job);
    }

    /**
     * How far each enriched partition is out of order: events more than the bound, and more than
     * the bound plus the allowed lateness, behind their partition's newest event time so far.
     */
    static void printDisorder(JobConfig config, List<List<EnrichedEvent>> partitions, long now) {
        long bound = config.get(ShopOptions.OUT_OF_ORDERNESS).toMillis();
        long lateness = config.get(CategoryStatsOptions.ALLOWED_LATENESS).toMillis();
        for (int p = 0; p < partitions.size(); p++) {
            long max = Long.MIN_VALUE;
            long beyondBound = 0;
            long beyondLateness = 0;
            long worst = 0;
            for (EnrichedEvent e : partitions.get(p)) {
                if (EventTime.isFromTheFuture(e.ts(), now, config.get(ShopOptions.MAX_FUTURE))) {
                    continue;
                }
                if (max == Long.MIN_VALUE) {
                    max = e.ts();
                    continue;
                }
                long behind = max - e.ts();
                if (behind > bound) {
                    beyondBound++;
                }
                if (behind > bound + lateness) {
                    beyondLateness++;
                }
                worst = Math.max(worst, behind);
                max = Math.max(max, e.ts());
            }
            OUT.printf("enriched partition %d: %,d events, %,d behind by more than the bound, %,d by more than bound +"
                    + " lateness, worst %,d ms%n", p, partitions.get(p).size(), beyondBound, beyondLateness, worst);
        }
    }
}
