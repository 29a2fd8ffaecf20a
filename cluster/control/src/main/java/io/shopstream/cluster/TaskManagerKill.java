package io.shopstream.cluster;

import io.shopstream.common.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * {@code kill -9} of a TaskManager while jobs run on the cluster, after a completed checkpoint of
 * every job, timed: when the JobManager noticed and when every subtask ran again.
 */
public final class TaskManagerKill {

    private static final Duration DETECT_POLL = Duration.ofMillis(100);

    private final LocalCluster cluster;
    private final FlinkRest rest;
    private final List<String> jobIds;

    public TaskManagerKill(LocalCluster cluster, Collection<String> jobIds) {
        this.cluster = cluster;
        this.rest = cluster.rest();
        this.jobIds = List.copyOf(jobIds);
    }

    /**
     * What a kill did, in {@link System#nanoTime()} moments. {@code detectedAt} and {@code
     * runningAt} come from the JobManager's own records (its first failure after the kill, the
     * last subtask's switch to RUNNING); the {@code seen} moments are when polling the REST API saw
     * them, up to its cache's refresh interval (3 s) late.
     */
    public record Outcome(String victim, long pid, Map<String, Integer> subtasksBefore, long killedAt, long seenDetectedAt,
            long detectedAt, long seenRunningAt, long runningAt, String replacement) {

        public int victimSubtasks() {
            return subtasksBefore.getOrDefault(victim, 0);
        }

        public double detectedS() {
            return (detectedAt - killedAt) / 1e9;
        }

        public double runningS() {
            return (runningAt - killedAt) / 1e9;
        }
    }

    /**
     * Waits until {@code sent} reaches {@code threshold}, then until every job has completed a
     * checkpoint after that; returns the seconds the checkpoints took.
     */
    public double awaitCheckpointAfter(IntSupplier sent, int threshold, Duration sendTimeout) throws InterruptedException {
        long reached = Await.until(() -> sent.getAsInt() >= threshold, sendTimeout, threshold + " records sent");
        Map<String, Long> before = new TreeMap<>();
        jobIds.forEach(id -> before.put(id, rest.completedCheckpoints(id)));
        long done = Await.until(() -> jobIds.stream().allMatch(id -> rest.completedCheckpoints(id) > before.get(id)),
                Duration.ofSeconds(180), "a completed checkpoint of every job after " + threshold + " records");
        return (done - reached) / 1e9;
    }

    /** The TaskManager started last. */
    public String newestTaskManager() throws IOException {
        List<String> tms = cluster.processes().taskManagers();
        if (tms.isEmpty()) {
            throw new IllegalStateException("No TaskManager is running");
        }
        return tms.get(tms.size() - 1);
    }

    /** The TaskManager running most of the jobs' subtasks; the newest if none is known to run any. */
    public String busiestTaskManager() throws IOException {
        List<String> tms = cluster.processes().taskManagers();
        return subtasksByTaskManager().entrySet().stream()
                .filter(e -> tms.contains(e.getKey()))
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(newestTaskManager());
    }

    private Map<String, Integer> subtasksByTaskManager() {
        Map<String, Integer> hosts = new TreeMap<>();
        jobIds.forEach(id -> rest.subtasksByTaskManager(id).forEach((tm, n) -> hosts.merge(tm, n, Integer::sum)));
        return hosts;
    }

    /**
     * Kills {@code victim} with SIGKILL, starts a replacement if asked, and waits until the
     * JobManager has noticed the loss and every job runs again (each of its subtasks RUNNING, and
     * restarted since the kill if it had subtasks on the victim), then until the replacement is
     * registered.
     */
    public Outcome kill(String victim, boolean startReplacement) throws Exception {
        Map<String, Integer> hosts = subtasksByTaskManager();
        Set<String> onVictim = new TreeSet<>();
        jobIds.stream().filter(id -> rest.subtasksByTaskManager(id).containsKey(victim)).forEach(onVictim::add);
        int registered = rest.registeredTaskManagers();
        long pid = cluster.processes().pid(victim);
        long killedAt = System.nanoTime();
        long killedAtMillis = System.currentTimeMillis();
        cluster.processes().kill(victim);
        String replacement = startReplacement ? cluster.flink().startTaskManager() : null;
        long seenDetectedAt = Await.until(() -> {
            int now = rest.registeredTaskManagers();
            return jobIds.stream().anyMatch(id -> !rest.allTasksRunning(id)) || (now >= 0 && now < registered);
        }, Duration.ofSeconds(90), DETECT_POLL, "the JobManager to notice the loss");
        long seenRunningAt = Await.until(() -> jobIds.stream()
                .allMatch(id -> rest.runningAgainAfter(id, onVictim.contains(id), killedAtMillis)
                        && (!onVictim.contains(id) || rest.lastSubtaskRunningMillis(id) >= killedAtMillis)),
                        Duration.ofSeconds(240), "every job running again");

        long detectedAt = seenDetectedAt;
        long runningMillis = -1;
        for (String id : onVictim) {
            long failed = rest.firstFailureMillis(id, killedAtMillis);
            if (failed > 0) {
                detectedAt = Math.min(detectedAt, killedAt + (failed - killedAtMillis) * 1_000_000);
            }
            runningMillis = Math.max(runningMillis, rest.lastSubtaskRunningMillis(id));
        }
        long runningAt = runningMillis > 0 ? killedAt + (runningMillis - killedAtMillis) * 1_000_000 : seenRunningAt;
        if (replacement != null) {
            // A replacement still starting up when the next kill comes would be that kill's victim.
            Await.until(() -> rest.registeredTaskManagers() == registered,
                    Duration.ofSeconds(120), "the replacement " + replacement + " to register");
        }
        return new Outcome(victim, pid, hosts, killedAt, seenDetectedAt, detectedAt, seenRunningAt, runningAt, replacement);
    }
}
