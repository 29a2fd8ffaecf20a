package io.shopstream.bench.cluster;

import io.shopstream.bench.cluster.RecoveryScenario.Recovery;
import io.shopstream.cluster.FlinkRest.CheckpointStats;
import java.io.PrintStream;
import java.time.Duration;

/**
 * One measurement on the local cluster: its settings, what happened, and the figures derived from
 * them. Moments are {@link System#nanoTime()} values; figures are seconds after the kill unless
 * they say otherwise.
 */
record RecoveryRun(ClusterBenchOptions options, Duration minPause, String machine, String jobId, int referenceRecords,
        BenchCluster.Startup startup, long steadyFrom, Recovery recovery, CheckpointStats checkpoints, Timeline timeline,
        OutputCheck check)
        implements ClusterBench.Outcome {

    /** Issue 10's targets: every subtask RUNNING within 5 s of the kill, every earlier event visible within 10 s. */
    static final double RUNNING_TARGET_S = 5;
    static final double CAUGHT_UP_TARGET_S = 10;

    /** Checkpoints completed after the feed began before the steady state is measured: the start is left out. */
    static final int WARM_UP_CHECKPOINTS = 3;

    /**
     * The steady state: events sent once {@link #WARM_UP_CHECKPOINTS} checkpoints had completed after
     * the feed began ({@code steadyFrom}) that became visible before the kill.
     */
    Timeline.Window steady() {
        return timeline.window(steadyFrom, recovery.killedAt());
    }

    /** Seconds from the first send to the start of the steady state. */
    double steadyFromS() {
        return (steadyFrom - timeline.firstSent()) / 1e9;
    }

    /** All output, the recovery included. */
    Timeline.Window whole() {
        return timeline.window(Long.MAX_VALUE);
    }

    double killS() {
        return (recovery.killedAt() - timeline.firstSent()) / 1e9;
    }

    int sentBeforeKill() {
        return timeline.sentBefore(recovery.killedAt());
    }

    double detectedS() {
        return afterKill(recovery.detectedAt());
    }

    double runningS() {
        return afterKill(recovery.runningAt());
    }

    /** When every event sent before the kill was visible; NaN if one never was. */
    double caughtUpS() {
        long moment = timeline.allVisibleOfSentBefore(recovery.killedAt());
        return moment == Long.MIN_VALUE ? Double.NaN : afterKill(moment);
    }

    double latencyThresholdMs() {
        return 2 * steady().p99Ms();
    }

    /** From when on, after RUNNING, every newly visible record's latency stayed under twice the steady p99. */
    double latencyBackS() {
        return afterKill(timeline.latencyBelowFrom(recovery.runningAt(), latencyThresholdMs()));
    }

    private double afterKill(long moment) {
        return (moment - recovery.killedAt()) / 1e9;
    }

    boolean runningMet() {
        return runningS() <= RUNNING_TARGET_S;
    }

    boolean caughtUpMet() {
        return caughtUpS() <= CAUGHT_UP_TARGET_S;
    }

    /** The target and how this run did against it, in one line. */
    String targetCheck() {
        String running = runningMet() ? String.format("met (%.1f s)", runningS())
                : String.format("MISSED by %.1f s (%.1f s)", runningS() - RUNNING_TARGET_S, runningS());
        String caughtUp = Double.isNaN(caughtUpS())
                ? "MISSED (not every event sent before the kill became visible)"
                : caughtUpMet() ? String.format("met (%.1f s)", caughtUpS())
                : String.format("MISSED by %.1f s (%.1f s)", caughtUpS() - CAUGHT_UP_TARGET_S, caughtUpS());
        String exact = check.exact() ? "met" : String.format("MISSED (%d lost, %d unexpected%s%s)", check.missing(),
                check.unexpected(), check.orderKept() ? "" : ", per-customer order broken",
                check.deadLettersEqual() ? "" : ", dead letters differ");
        return String.format("kill -9 to RUNNING <= %.0f s with a standby TaskManager: %s; output caught up within %.0f s: %s;"
                + " zero loss and duplicates: %s", RUNNING_TARGET_S, running, CAUGHT_UP_TARGET_S, caughtUp, exact);
    }

    /** The outcome of the comparison with PlainEnrich, in one line. */
    String checkResult() {
        return check.summary();
    }

    void printSummary(PrintStream out) {
        Timeline.Window s = steady();
        Timeline.Window w = whole();
        out.printf("Steady state (sent from %.1f s, after %d checkpoints, to the kill): %,d records, %,.0f records/s,"
                + " latency p50 %,.0f ms, p99 %,.0f ms, max %,.0f ms%n", steadyFromS(), WARM_UP_CHECKPOINTS, s.records(),
                s.throughputPerSecond(), s.p50Ms(), s.p99Ms(), s.maxMs());
        out.printf("Start-up: flink run to every subtask RUNNING %.1f s, to the first record visible %.1f s (first event sent"
                + " at %.1f s, after the reference data)%n", startup.runningS(), startup.firstVisibleS(), startup.firstSentS());
        out.printf("Whole run (with the recovery):  %,d records, %,.0f records/s, latency p50 %,.0f ms, p99 %,.0f ms,"
                + " max %,.0f ms%n", w.records(), w.throughputPerSecond(), w.p50Ms(), w.p99Ms(), w.maxMs());
        out.printf("Recovery: kill -9 %s at %.1f s; detected +%.1f s; RUNNING +%.1f s; every earlier event visible +%.1f s;"
                + " latency under %,.0f ms for good +%.1f s%n", recovery.victim(), killS(), detectedS(), runningS(),
                caughtUpS(), latencyThresholdMs(), latencyBackS());
        out.println("Target: " + targetCheck());
        out.println("No loss, no duplicates: " + checkResult());
    }
}
