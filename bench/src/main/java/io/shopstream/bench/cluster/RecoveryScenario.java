package io.shopstream.bench.cluster;

import static io.shopstream.bench.cluster.BenchCluster.OUT;

import io.shopstream.bench.BenchMain;
import io.shopstream.cluster.InputFeed;
import io.shopstream.cluster.TaskManagerKill;
import io.shopstream.common.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The recovery measurement: events at a fixed rate through enrich; once a third are sent and a
 * checkpoint has completed after that, {@code kill -9} of the TaskManager running most of enrich's
 * subtasks, with no replacement (the spare slots of the others take over); then the rest of the
 * feed, and the output checked against PlainEnrich.
 */
final class RecoveryScenario {

    private RecoveryScenario() {}

    /** What {@code kill -9} of a TaskManager did, in {@link System#nanoTime()} moments. */
    record Recovery(String victim, long pid, int victimSubtasks, Map<String, Integer> subtasksBefore, long killedAt,
            long detectedAt, long runningAt, double checkpointPeriodBeforeKillS) {}

    static RecoveryRun run(BenchCluster bench) throws Exception {
        ClusterBenchOptions o = bench.options;
        Timeline timeline = bench.timeline;
        String jobId = bench.jobId();
        bench.phase("steady", String.format("%,d events at %,.0f/s", o.events(), o.rate()));
        bench.showProgress();
        long checkpointsAtStart = bench.rest().completedCheckpoints(jobId);
        InputFeed feed = bench.feed(o.rate());
        long feedStart = System.nanoTime();
        Thread feeder = feed.start("bench-feeder");
        long steadyFrom = Await.until(
                () -> bench.rest().completedCheckpoints(jobId) >= checkpointsAtStart + RecoveryRun.WARM_UP_CHECKPOINTS,
                Duration.ofSeconds(180), RecoveryRun.WARM_UP_CHECKPOINTS + " checkpoints after the feed began");

        Recovery recovery = killAndRecover(bench, feed, feedStart, checkpointsAtStart);

        bench.phase("drain", "the rest of the feed, then until every event is visible");
        feeder.join();
        feed.requireNoFailure();
        OUT.printf("  all %,d events sent in %.1f s%n", timeline.sent(), (System.nanoTime() - timeline.firstSent()) / 1e9);
        try {
            // Generous: on a loaded 2-core machine checkpoints (and so commits) were seen to take 45 s.
            Await.until(() -> timeline.visible() >= timeline.size(),
                    Duration.ofSeconds(240), "every event visible in the output");
        } catch (IllegalStateException timedOut) {
            OUT.println("  " + timedOut.getMessage() + ": " + (timeline.size() - timeline.visible()) + " events missing");
        }
        bench.stopWatchingAfterMoreCheckpoints();

        bench.phase("verify", "enrich's output against PlainEnrich over the same topics");
        OutputCheck check = OutputCheck.of(bench.cluster.bootstrapServers());
        RecoveryRun run = new RecoveryRun(o, bench.minPause, BenchMain.machine(), jobId, bench.data.reference().size(),
                bench.startup(), steadyFrom, recovery, bench.checkpointStats(), timeline, check);
        ClusterReport.write(run);
        run.printSummary(OUT);
        return run;
    }

    private static Recovery killAndRecover(BenchCluster bench, InputFeed feed, long feedStart, long checkpointsAtStart)
            throws Exception {
        ClusterBenchOptions o = bench.options;
        String jobId = bench.jobId();
        TaskManagerKill kill = new TaskManagerKill(bench.cluster, List.of(jobId));
        int threshold = Math.max(1, o.events() / 3);
        Duration feedTime = Duration.ofMillis((long) (o.events() * 1000 / o.rate()));
        kill.awaitCheckpointAfter(feed::sent, threshold, feedTime.plusSeconds(120));
        long checkpointsAtKill = bench.rest().completedCheckpoints(jobId);

        String victim = kill.busiestTaskManager();
        Map<String, Integer> hosts = bench.rest().subtasksByTaskManager(jobId);
        bench.phase("recovery", String.format("kill -9 %s (pid %d, running %d of enrich's subtasks; subtasks by TaskManager: %s)",
                victim, bench.cluster.processes().pid(victim), hosts.getOrDefault(victim, 0), hosts));
        TaskManagerKill.Outcome k = kill.kill(victim, false);
        OUT.printf("  detected after %.1f s (seen through REST after %.1f s)%n", k.detectedS(),
                (k.seenDetectedAt() - k.killedAt()) / 1e9);
        OUT.printf("  every subtask RUNNING again after %.1f s (seen through REST after %.1f s), now on %s%n",
                k.runningS(), (k.seenRunningAt() - k.killedAt()) / 1e9, bench.rest().subtasksByTaskManager(jobId));
        double periodS = checkpointsAtKill > checkpointsAtStart
                ? (k.killedAt() - feedStart) / 1e9 / (checkpointsAtKill - checkpointsAtStart) : Double.NaN;
        return new Recovery(k.victim(), k.pid(), k.victimSubtasks(), k.subtasksBefore(), k.killedAt(), k.detectedAt(),
                k.runningAt(), periodS);
    }
}
