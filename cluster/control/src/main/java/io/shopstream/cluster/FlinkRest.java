package io.shopstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.shopstream.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The JobManager's REST API: jobs, their subtasks, checkpoints and watermarks, the TaskManagers. */
public final class FlinkRest {

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    FlinkRest(int port) {
        this.port = port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** GETs a JobManager REST path; empty if the JobManager does not answer. */
    public Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(Json.MAPPER.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public int registeredTaskManagers() {
        return get("/taskmanagers").map(n -> n.path("taskmanagers").size()).orElse(-1);
    }

    /** A job as the REST API reports it. */
    public record JobStatus(String id, String name, String state, long startTime) {}

    /** Name, id and state of every job the JobManager knows. */
    public List<JobStatus> jobs() {
        List<JobStatus> list = new ArrayList<>();
        get("/jobs/overview").ifPresent(n -> n.path("jobs").forEach(j -> list.add(
                new JobStatus(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
                        j.path("start-time").asLong()))));
        return list;
    }

    public Optional<JobStatus> job(String id) {
        return jobs().stream().filter(j -> j.id().equals(id)).findFirst();
    }

    /**
     * Whether every subtask of the job is RUNNING. Not the vertex status: right after a failover
     * a vertex can read RUNNING while some of its subtasks are still waiting for a slot.
     */
    public boolean allTasksRunning(String jobId) {
        return get("/jobs/" + jobId).map(n -> {
            if (!"RUNNING".equals(n.path("state").asText()) || n.path("vertices").isEmpty()) {
                return false;
            }
            for (JsonNode v : n.path("vertices")) {
                if (v.path("tasks").path("RUNNING").asInt() != v.path("parallelism").asInt()) {
                    return false;
                }
            }
            return true;
        }).orElse(false);
    }

    /**
     * Whether a job is running again after the loss of a TaskManager killed at
     * {@code killedAtMillis} (wall clock): every subtask RUNNING and, if the job had subtasks on
     * that TaskManager, restarted since. Right after the kill the REST API can still list the
     * dead TaskManager's subtasks as RUNNING: with heartbeats every 0.5 s the TaskManager may be
     * gone from the cluster before the job has failed over.
     */
    public boolean runningAgainAfter(String jobId, boolean hadSubtasksOnTheDeadOne, long killedAtMillis) {
        if (!allTasksRunning(jobId)) {
            return false;
        }
        return !hadSubtasksOnTheDeadOne || get("/jobs/" + jobId)
                .map(n -> n.path("timestamps").path("RESTARTING").asLong(0) >= killedAtMillis)
                .orElse(false);
    }

    /**
     * When the job's last subtask switched to RUNNING (epoch millis), as the JobManager recorded it,
     * or -1 while one is not RUNNING. The REST views of a job are served from a cache renewed every
     * {@code web.refresh-interval} (3 s): polling them sees a change up to that much late, these
     * timestamps do not.
     */
    public long lastSubtaskRunningMillis(String jobId) {
        long last = -1;
        for (JsonNode v : vertices(jobId)) {
            JsonNode times = get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasktimes").orElse(null);
            if (times == null) {
                return -1;
            }
            for (JsonNode subtask : times.path("subtasks")) {
                long running = subtask.path("timestamps").path("RUNNING").asLong(0);
                if (running <= 0) {
                    return -1;
                }
                last = Math.max(last, running);
            }
        }
        return last;
    }

    /** When the job first failed at or after {@code sinceMillis} (epoch millis; its exception history), or -1. */
    public long firstFailureMillis(String jobId, long sinceMillis) {
        long first = -1;
        for (JsonNode entry : get("/jobs/" + jobId + "/exceptions").map(n -> n.path("exceptionHistory").path("entries"))
                .orElse(MissingNode.getInstance())) {
            long at = entry.path("timestamp").asLong(0);
            if (at >= sinceMillis && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** How many of the job's subtasks run on each TaskManager, by resource id (= process name). */
    public Map<String, Integer> subtasksByTaskManager(String jobId) {
        Map<String, Integer> hosts = new TreeMap<>();
        for (JsonNode v : vertices(jobId)) {
            get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers").ifPresent(t -> {
                for (JsonNode tm : t.path("taskmanagers")) {
                    int subtasks = 0;
                    for (JsonNode count : tm.path("status-counts")) {
                        subtasks += count.asInt();
                    }
                    hosts.merge(tm.path("taskmanager-id").asText(), Math.max(subtasks, 1), Integer::sum);
                }
            });
        }
        return hosts;
    }

    /**
     * Each operator chain's current input watermark (the lowest over its subtasks), by vertex name,
     * in graph order; {@code Long.MIN_VALUE} where no watermark has arrived yet.
     */
    public Map<String, Long> watermarks(String jobId) {
        Map<String, Long> result = new LinkedHashMap<>();
        for (JsonNode v : vertices(jobId)) {
            long lowest = Long.MAX_VALUE;
            boolean any = false;
            for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/watermarks")
                    .orElse(Json.MAPPER.createArrayNode())) {
                if (m.path("id").asText().endsWith("currentInputWatermark")) {
                    any = true;
                    lowest = Math.min(lowest, Long.parseLong(m.path("value").asText()));
                }
            }
            result.put(v.path("name").asText(), any ? lowest : Long.MIN_VALUE);
        }
        return result;
    }

    private JsonNode vertices(String jobId) {
        return get("/jobs/" + jobId).map(n -> n.path("vertices")).orElse(MissingNode.getInstance());
    }

    /** Number of completed checkpoints of a job. */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").map(n -> n.path("counts").path("completed").asLong()).orElse(0L);
    }

    /** Completed count, mean duration and the checkpoint restored from, as the REST API reports them. */
    public record CheckpointStats(long completed, double meanDurationMs, long restoredFrom) {}

    public CheckpointStats checkpointStats(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").map(n -> new CheckpointStats(
                n.path("counts").path("completed").asLong(),
                n.path("summary").path("end_to_end_duration").path("avg").asDouble(Double.NaN),
                n.path("latest").path("restored").path("id").asLong(-1)))
                .orElse(new CheckpointStats(-1, Double.NaN, -1));
    }
}
