package io.shopstream.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.shopstream.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Flink session cluster (one JobManager, N TaskManagers) and a KRaft Kafka broker, each a
 * separate JVM started from Maven-resolved jars, all on 127.0.0.1. Processes are tracked by PID
 * files under the cluster's home folder, so separate command invocations can manage them.
 *
 * <p>The Flink configuration is {@code flink-conf/config.yaml}, copied with host names, bind
 * addresses and folders rewritten for a local run (see {@link #writeLocalConf()}).
 */
public final class LocalCluster {

    public static final String JOBMANAGER = "jobmanager";
    public static final String KAFKA = "kafka";
    public static final String TASKMANAGER_PREFIX = "taskmanager-";

    private final Path repo;
    private final Path home;
    private final int restPort;
    private final int kafkaPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LocalCluster(Path repo, Path home, int restPort, int kafkaPort) {
        this.repo = repo.toAbsolutePath().normalize();
        this.home = home.toAbsolutePath().normalize();
        this.restPort = restPort;
        this.kafkaPort = kafkaPort;
    }

    /** The repository root: the nearest folder upwards holding {@code flink-conf/config.yaml}. */
    public static Path findRepo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("flink-conf/config.yaml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("Run this inside the ShopStream repository (no flink-conf/config.yaml found)");
    }

    public Path home() {
        return home;
    }

    public Path confDir() {
        return home.resolve("conf");
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    // ------------------------------------------------------------------ Kafka

    /** Formats the storage (first start only) and starts the broker; waits until it answers. */
    public void startKafka() throws IOException, InterruptedException {
        if (isAlive(KAFKA)) {
            return;
        }
        Path dir = home.resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(dir);
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "# Written by ShopStream's local cluster: one combined KRaft broker/controller on 127.0.0.1.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + (kafkaPort + 1),
                "listeners=PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + (kafkaPort + 1),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + kafkaPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=4",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                ""));
        String classpath = classpath("kafka");
        if (!Files.exists(data.resolve("meta.properties"))) {
            List<String> format = new ArrayList<>(List.of(java(), "-cp", classpath, "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", props.toString()));
            run(format, dir.resolve("format.log"), Duration.ofSeconds(60));
        }
        Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level=INFO", "rootLogger.appenderRef.f.ref=F",
                "appender.f.type=File", "appender.f.name=F", "appender.f.fileName=" + dir.resolve("kafka.log"),
                "appender.f.layout.type=PatternLayout", "appender.f.layout.pattern=%d %-5p %c{1} - %m%n", ""));
        start(KAFKA, List.of(java(), "-Xmx1g", "-Xms256m",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                "-cp", classpath, "kafka.Kafka", props.toString()));
        await("Kafka broker on " + bootstrapServers(), Duration.ofSeconds(60), this::kafkaAnswers);
    }

    private boolean kafkaAnswers() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public Admin kafkaAdmin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    // ------------------------------------------------------------------ Flink

    /**
     * Writes {@code conf/} from {@code flink-conf/}: the same settings, with the JobManager and
     * REST address 127.0.0.1, bind addresses 127.0.0.1, checkpoints and savepoints under the
     * cluster's home, the REST port and the Kafka broker of this cluster, and no metrics reporter.
     */
    public void writeLocalConf() throws IOException {
        Path conf = confDir();
        Files.createDirectories(conf);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(repo.resolve("flink-conf"))) {
            for (Path f : files) {
                if (!f.getFileName().toString().equals("config.yaml")) {
                    Files.copy(f, conf.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String yaml = Files.readString(repo.resolve("flink-conf/config.yaml"));
        Map<String, String> rewrites = new LinkedHashMap<>();
        rewrites.put("(?m)^(\\s+address:\\s*)jobmanager\\b", "$1127.0.0.1");
        rewrites.put("(?m)^(\\s+bind-host:\\s*)0\\.0\\.0\\.0", "$1127.0.0.1");
        rewrites.put("(?m)^(\\s+bind-address:\\s*)0\\.0\\.0\\.0", "$1127.0.0.1");
        rewrites.put("(?m)^(\\s+port:\\s*)8081\\b", "$1" + restPort);
        String data = home.resolve("data").toUri().toString();
        rewrites.put("file:///opt/flink/data/", Matcher.quoteReplacement(data.endsWith("/") ? data : data + "/"));
        rewrites.put("(?m)^(\\s+bootstrap-servers:\\s*)kafka:9092", "$1" + bootstrapServers());
        // Flink's Prometheus reporter listens on every interface and nothing scrapes it here: the
        // list names only a reporter that is not configured, so none starts.
        rewrites.put("(?m)^(\\s+reporters:\\s*)prom\\b", "$1none");
        for (Map.Entry<String, String> r : rewrites.entrySet()) {
            if (!Pattern.compile(r.getKey()).matcher(yaml).find()) {
                throw new IllegalStateException("flink-conf/config.yaml no longer matches the local rewrite " + r.getKey());
            }
            yaml = yaml.replaceAll(r.getKey(), r.getValue());
        }
        Files.writeString(conf.resolve("config.yaml"),
                "# Generated by ShopStream's local cluster from flink-conf/config.yaml; do not edit.\n" + yaml);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("log"));
    }

    /** Starts the JobManager (with the web UI) and waits until its REST API answers. */
    public void startJobManager() throws IOException, InterruptedException {
        if (isAlive(JOBMANAGER)) {
            return;
        }
        writeLocalConf();
        List<String> params = resourceParams("GET_JM_RESOURCE_PARAMS");
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(split(params.get(0)));
        cmd.addAll(flinkJvmOptions(JOBMANAGER));
        cmd.addAll(List.of("-cp", classpath("flink"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir", confDir().toString()));
        if (params.size() > 1) {
            cmd.addAll(split(params.get(1)));
        }
        start(JOBMANAGER, cmd);
        await("JobManager REST API at " + restUrl(), Duration.ofSeconds(90), () -> get("/overview").isPresent());
    }

    /** Starts one more TaskManager and returns its name ({@code taskmanager-N}). */
    public String startTaskManager() throws IOException, InterruptedException {
        int n = 1;
        while (Files.exists(pidFile(TASKMANAGER_PREFIX + n))) {
            n++;
        }
        String name = TASKMANAGER_PREFIX + n;
        List<String> params = resourceParams("GET_TM_RESOURCE_PARAMS");
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(split(params.get(0)));
        cmd.addAll(flinkJvmOptions(name));
        cmd.addAll(List.of("-cp", classpath("flink"),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir", confDir().toString(),
                "-Dtaskmanager.resource-id=" + name));
        if (params.size() > 1) {
            cmd.addAll(split(params.get(1)));
        }
        start(name, cmd);
        return name;
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
        await(count + " registered TaskManagers", timeout, () -> registeredTaskManagers() == count);
    }

    public int registeredTaskManagers() {
        return get("/taskmanagers").map(n -> n.path("taskmanagers").size()).orElse(-1);
    }

    private List<String> flinkJvmOptions(String name) throws IOException {
        String yaml = Files.readString(confDir().resolve("config.yaml"));
        Matcher m = Pattern.compile("(?m)^\\s+all:\\s*(--add.*)$").matcher(yaml);
        List<String> opts = new ArrayList<>();
        if (m.find()) {
            opts.addAll(split(m.group(1)));
        }
        opts.add("-Dlog.file=" + home.resolve("log").resolve(name + ".log"));
        opts.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
        return opts;
    }

    /** Runs Flink's BashJavaUtils as flink-dist's scripts do: JVM memory flags and dynamic properties. */
    private List<String> resourceParams(String command) throws IOException, InterruptedException {
        Path out = home.resolve("log").resolve(command.toLowerCase() + ".out");
        run(List.of(java(), "-cp", classpath("flink"), "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command, "--configDir", confDir().toString()), out, Duration.ofSeconds(60));
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:")) {
                lines.add(line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim());
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalStateException("BashJavaUtils printed no result; see " + out);
        }
        return lines;
    }

    // ------------------------------------------------------------------ Flink CLI

    /** Runs {@code flink <args>} (the real CliFrontend) against this cluster and returns its output. */
    public String flink(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(flinkJvmOptions("cli"));
        cmd.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j-cli.properties").toUri());
        cmd.addAll(List.of("-cp", classpath("flink"), "org.apache.flink.client.cli.CliFrontend"));
        cmd.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(home.resolve("log"), "flink-cli-", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("FLINK_CONF_DIR", confDir().toString());
        Process p = pb.start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) { // longer than client.timeout in flink-conf, so the CLI reports first
            p.destroyForcibly();
            throw new IllegalStateException("flink " + String.join(" ", args) + " did not finish");
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("flink " + String.join(" ", args) + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return text;
    }

    /** The job jar that {@code flink run} takes, built by {@code ./mvnw package}. */
    public Path jobJar(String job) throws IOException {
        Path target = repo.resolve("jobs").resolve(job).resolve("target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "shopstream-" + job + "-*-job.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            }
        }
        throw new IllegalStateException("No job jar for '" + job + "' in " + target + "; run ./mvnw -DskipTests package");
    }

    /** Submits a job detached with {@code flink run}; returns its job id. */
    public String submit(String job, List<String> flinkOptions, List<String> jobArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d"));
        args.addAll(flinkOptions);
        args.add(jobJar(job).toString());
        args.addAll(jobArgs);
        String out = flink(args.toArray(String[]::new));
        Matcher m = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + out);
        }
        return m.group(1);
    }

    /** Stops a job with a savepoint ({@code flink stop}); returns the savepoint path. */
    public String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        String out = flink("stop", "--savepointPath", home.resolve("data/savepoints").toUri().toString(), jobId);
        Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink stop printed no savepoint path:\n" + out);
        }
        return m.group(1);
    }

    /** Triggers a savepoint of a running job ({@code flink savepoint}); returns its path. */
    public String savepoint(String jobId) throws IOException, InterruptedException {
        String out = flink("savepoint", jobId, home.resolve("data/savepoints").toUri().toString());
        Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink savepoint printed no path:\n" + out);
        }
        return m.group(1);
    }

    // ------------------------------------------------------------------ REST

    /** GETs a JobManager REST path; empty if the JobManager does not answer. */
    public Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(Json.MAPPER.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Name, id and state of every job the JobManager knows. */
    public List<JobStatus> jobs() {
        List<JobStatus> list = new ArrayList<>();
        get("/jobs/overview").ifPresent(n -> n.path("jobs").forEach(j -> list.add(
                new JobStatus(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
                        j.path("start-time").asLong()))));
        return list;
    }

    /** A job as the REST API reports it. */
    public record JobStatus(String id, String name, String state, long startTime) {}

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
        for (JsonNode v : get("/jobs/" + jobId).map(n -> n.path("vertices")).orElse(MissingNode.getInstance())) {
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
        get("/jobs/" + jobId).ifPresent(job -> {
            for (JsonNode v : job.path("vertices")) {
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
        });
        return hosts;
    }

    /**
     * Each operator chain's current input watermark (the lowest over its subtasks), by vertex name,
     * in graph order; {@code Long.MIN_VALUE} where no watermark has arrived yet.
     */
    public Map<String, Long> watermarks(String jobId) {
        Map<String, Long> result = new LinkedHashMap<>();
        get("/jobs/" + jobId).ifPresent(job -> {
            for (JsonNode v : job.path("vertices")) {
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
        });
        return result;
    }

    /** Number of completed checkpoints of a job. */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").map(n -> n.path("counts").path("completed").asLong()).orElse(0L);
    }

    // ------------------------------------------------------------------ processes

    /** Kills a process with SIGKILL (kill -9); returns false if it was not running. */
    public boolean kill(String name) throws IOException {
        Optional<ProcessHandle> p = process(name);
        if (p.isEmpty()) {
            return false;
        }
        p.get().destroyForcibly();
        try {
            p.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Process " + name + " survived kill -9", e);
        }
        Files.deleteIfExists(pidFile(name));
        return true;
    }

    /** Stops every process of the cluster (TaskManagers, JobManager, Kafka), politely then by force. */
    public void stopAll() throws IOException {
        List<String> names = processNames();
        names.sort((a, b) -> Integer.compare(order(a), order(b)));
        for (String name : names) {
            Optional<ProcessHandle> p = process(name);
            if (p.isPresent()) {
                p.get().destroy();
                try {
                    p.get().onExit().get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.get().destroyForcibly();
                }
            }
            Files.deleteIfExists(pidFile(name));
        }
    }

    private static int order(String name) {
        return name.startsWith(TASKMANAGER_PREFIX) ? 0 : name.equals(JOBMANAGER) ? 1 : 2;
    }

    /** Names of processes with a PID file, running or not. */
    public List<String> processNames() throws IOException {
        List<String> names = new ArrayList<>();
        Path pids = home.resolve("pids");
        if (Files.isDirectory(pids)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(pids, "*.pid")) {
                files.forEach(f -> names.add(f.getFileName().toString().replace(".pid", "")));
            }
        }
        names.sort(String::compareTo);
        return names;
    }

    public Optional<ProcessHandle> process(String name) throws IOException {
        Path f = pidFile(name);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(f).trim());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    public boolean isAlive(String name) throws IOException {
        return process(name).isPresent();
    }

    public long pid(String name) throws IOException {
        return process(name).map(ProcessHandle::pid).orElse(-1L);
    }

    private Path pidFile(String name) {
        return home.resolve("pids").resolve(name + ".pid");
    }

    private void start(String name, List<String> cmd) throws IOException {
        Files.createDirectories(home.resolve("pids"));
        Files.createDirectories(home.resolve("log"));
        Path out = home.resolve("log").resolve(name + ".out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Files.writeString(pidFile(name), Long.toString(p.pid()));
    }

    private static void run(List<String> cmd, Path out, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(out.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Timed out: " + cmd.get(cmd.size() - 1) + "; see " + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Failed (exit " + p.exitValue() + "): " + String.join(" ", cmd.subList(3, cmd.size()))
                    + "\n" + Files.readString(out));
        }
    }

    /** The runtime classpath of {@code cluster/<dist>}, written by its Maven build. */
    private String classpath(String dist) throws IOException {
        Path file = repo.resolve("cluster").resolve(dist).resolve("target/classpath.txt");
        if (!Files.exists(file)) {
            throw new IllegalStateException("Missing " + file + "; build with ./mvnw -DskipTests install");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> split(String line) {
        List<String> parts = new ArrayList<>();
        for (String s : line.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    /** Polls {@code condition} every 250 ms until it holds or {@code timeout} passes. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
