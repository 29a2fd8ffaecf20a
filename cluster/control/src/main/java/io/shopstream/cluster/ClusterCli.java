package io.shopstream.cluster;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.generator.GeneratorMain;
import io.shopstream.suite.SuiteJobs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/**
 * {@code bin/shopstream-cluster}: runs the suite on a real local cluster (a Kafka broker, a
 * JobManager with the web UI and N TaskManagers, each its own process on 127.0.0.1).
 */
public final class ClusterCli {

    static final ConfigOption<String> HOME = key("home").stringType().noDefaultValue()
            .withDescription("The cluster's folder: PID files, logs, configuration, checkpoints (default run/cluster).");
    static final ConfigOption<Integer> REST_PORT = key("rest-port").intType().defaultValue(8081)
            .withDescription("The JobManager's REST port (the web UI).");
    static final ConfigOption<Integer> KAFKA_PORT = key("kafka-port").intType().defaultValue(9092)
            .withDescription("The broker's port; its controller listens on the next one.");
    static final ConfigOption<Integer> TASKMANAGERS = key("taskmanagers").intType().defaultValue(2)
            .withDescription("up: how many TaskManagers to run.");
    static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().noDefaultValue()
            .withDescription("submit, resume: the job's parallelism (flink run -p); default flink-conf's.");
    static final List<ConfigOption<?>> OPTIONS = List.of(HOME, REST_PORT, KAFKA_PORT, TASKMANAGERS, PARALLELISM);

    /** Each command and how many words (job, savepoint, TaskManager) may follow it. */
    private static final Map<String, Integer> WORDS = Map.ofEntries(Map.entry("up", 0), Map.entry("topics", 0),
            Map.entry("submit", 1), Map.entry("status", 0), Map.entry("generate", 0), Map.entry("savepoint", 1),
            Map.entry("stop", 1), Map.entry("resume", 2), Map.entry("kill-tm", 1), Map.entry("add-tm", 0),
            Map.entry("flink", 0), Map.entry("down", 0));
    /** Commands whose further words are another program's arguments, passed on untouched. */
    private static final List<String> PASS_THROUGH = List.of("generate", "flink");
    private static final int PARTITIONS = 4;

    private static final String SYNOPSIS = """
            bin/shopstream-cluster [options] <command>

              up                           start Kafka, the JobManager (web UI) and --taskmanagers TaskManagers,
                                           and create the contract's topics
              topics                       create the contract's topics (4 partitions) if missing
              submit <job>|all [-- job args]
                                           submit with `flink run -d` (jobs: %s)
              status                       processes, TaskManagers, jobs, checkpoints and watermarks
              generate [generator args]    run the generator against the cluster's Kafka
              savepoint <job>              take a savepoint of a running job
              stop <job>                   stop a job with a savepoint (prints the path)
              resume <job> <savepoint> [-- job args]
                                           start a job from a savepoint, also at another --parallelism
              kill-tm [name]               kill -9 a TaskManager (default: the newest)
              add-tm                       start one more TaskManager
              flink <args>                 run the Flink CLI against the cluster (list, cancel, ...)
              down                         stop every process of the cluster
            Options go before `generate` and `flink`, whose further words are passed on.""";

    private ClusterCli() {}

    public static void main(String[] argv) throws Exception {
        CommandLine.exitOnError("shopstream-cluster", () -> run(argv));
    }

    static void run(String... argv) throws Exception {
        List<String> words = Arrays.asList(argv);
        int dashes = words.indexOf("--");
        List<String> jobArgs = dashes < 0 ? List.of() : words.subList(dashes + 1, words.size());
        List<String> own = dashes < 0 ? words : words.subList(0, dashes);
        int passAt = firstPassThrough(own);
        List<String> passed = passAt < 0 ? List.of() : own.subList(passAt + 1, own.size());
        own = passAt < 0 ? own : own.subList(0, passAt + 1);
        if (own.isEmpty() || CommandLine.wantsHelp(own.toArray(String[]::new))) {
            System.out.println(CommandLine.usage(SYNOPSIS.formatted(String.join(", ", SuiteJobs.names())), OPTIONS));
            return;
        }
        CommandLine.Parsed options = CommandLine.parseCommand(OPTIONS, own.toArray(String[]::new));
        List<String> positional = new ArrayList<>(options.positional());
        if (positional.isEmpty()) {
            throw new ConfigException("No command given (see --help)");
        }
        Path repo = LocalCluster.findRepo();
        Path home = options.isSet(HOME) ? Path.of(options.get(HOME)) : repo.resolve("run/cluster");
        LocalCluster cluster = new LocalCluster(repo, home, options.get(REST_PORT), options.get(KAFKA_PORT));
        String command = positional.remove(0);
        Integer allowed = WORDS.get(command);
        if (allowed == null) {
            throw new ConfigException("Unknown command '" + command + "' (see --help)");
        }
        if (positional.size() > allowed) {
            throw new ConfigException("Unexpected argument '" + positional.get(allowed) + "' after " + command + " (see --help)");
        }
        List<String> flinkOptions = new ArrayList<>();
        if (options.isSet(PARALLELISM)) {
            flinkOptions.addAll(List.of("-p", String.valueOf(options.get(PARALLELISM))));
        }
        switch (command) {
            case "up" -> up(cluster, options.get(TASKMANAGERS));
            case "topics" -> printCreated(cluster.kafka().createTopics(PARTITIONS));
            case "submit" -> submit(cluster, job(positional, true), flinkOptions, jobArgs);
            case "status" -> status(cluster);
            case "generate" -> {
                List<String> g = new ArrayList<>(List.of("--" + ShopOptions.BOOTSTRAP_SERVERS.key(), cluster.bootstrapServers()));
                g.addAll(passed);
                GeneratorMain.main(g.toArray(String[]::new));
            }
            case "savepoint" -> System.out.println("Savepoint: " + cluster.cli().savepoint(jobId(cluster, job(positional, false))));
            case "stop" -> System.out.println("Stopped with savepoint: "
                    + cluster.cli().stopWithSavepoint(jobId(cluster, job(positional, false))));
            case "resume" -> {
                String job = job(positional, false);
                if (positional.isEmpty()) {
                    throw new ConfigException("resume needs <job> <savepoint> (see --help)");
                }
                flinkOptions.addAll(0, List.of("-s", positional.remove(0)));
                System.out.println("Resumed " + job + " as job " + cluster.cli().submit(job, flinkOptions, jobArgs));
            }
            case "kill-tm" -> killTaskManager(cluster, positional.isEmpty() ? null : positional.remove(0));
            case "add-tm" -> {
                String name = cluster.flink().startTaskManager();
                System.out.println("Started " + name + " (pid " + cluster.processes().pid(name) + ")");
            }
            case "flink" -> System.out.print(cluster.cli().run(passed.toArray(String[]::new)));
            case "down" -> {
                cluster.stopAll();
                System.out.println("Stopped every process of the cluster in " + cluster.home());
            }
            default -> throw new IllegalStateException("No case for command " + command);
        }
    }

    private static int firstPassThrough(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (PASS_THROUGH.contains(words.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static void up(LocalCluster cluster, int taskManagers) throws Exception {
        long t0 = System.nanoTime();
        printCreated(cluster.up(taskManagers, PARTITIONS, Duration.ofSeconds(90)));
        ClusterProcesses processes = cluster.processes();
        System.out.printf("Kafka broker      %s (pid %d)%n", cluster.bootstrapServers(), processes.pid(ClusterProcesses.KAFKA));
        System.out.printf("JobManager        %s (pid %d)  <- web UI%n", cluster.rest().url(),
                processes.pid(ClusterProcesses.JOBMANAGER));
        for (String name : processes.taskManagers()) {
            System.out.printf("TaskManager       %s (pid %d)%n", name, processes.pid(name));
        }
        System.out.printf("Cluster up in %.1f s. Logs: %s/log%n", (System.nanoTime() - t0) / 1e9, cluster.home());
    }

    private static void printCreated(List<String> topics) {
        if (!topics.isEmpty()) {
            System.out.println("Created topics: " + topics);
        }
    }

    /** The job named next on the command line ({@code all} too where allowed), checked against the suite's jobs. */
    private static String job(List<String> positional, boolean allowAll) {
        if (positional.isEmpty()) {
            throw new ConfigException("Missing job name: one of " + SuiteJobs.names() + (allowAll ? " or all" : "")
                    + " (see --help)");
        }
        String name = positional.remove(0);
        return allowAll && name.equals("all") ? name : SuiteJobs.named(name).name();
    }

    private static void submit(LocalCluster cluster, String which, List<String> flinkOptions, List<String> jobArgs)
            throws Exception {
        for (String job : which.equals("all") ? SuiteJobs.names() : List.of(which)) {
            if (which.equals("all") && !jobJarExists(cluster, job)) {
                System.out.println("Skipping " + job + ": no job jar built");
                continue;
            }
            String id = cluster.cli().submit(job, flinkOptions, jobArgs);
            System.out.printf("Submitted %-15s job id %s%n", job, id);
        }
    }

    private static boolean jobJarExists(LocalCluster cluster, String job) {
        try {
            cluster.cli().jobJar(job);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void killTaskManager(LocalCluster cluster, String name) throws IOException {
        String victim = name;
        if (victim == null) {
            List<String> tms = cluster.processes().taskManagers();
            if (tms.isEmpty()) {
                throw new IllegalStateException("No TaskManager is running");
            }
            victim = tms.get(tms.size() - 1);
        }
        long pid = cluster.processes().pid(victim);
        if (!cluster.processes().kill(victim)) {
            throw new IllegalStateException(victim + " is not running");
        }
        System.out.println("Killed " + victim + " (pid " + pid + ") with SIGKILL");
    }

    private static void status(LocalCluster cluster) throws IOException {
        for (String name : cluster.processes().names()) {
            System.out.printf("%-16s %s%n", name,
                    cluster.processes().isAlive(name) ? "running, pid " + cluster.processes().pid(name) : "DEAD");
        }
        FlinkRest rest = cluster.rest();
        System.out.println("TaskManagers registered: " + rest.registeredTaskManagers());
        for (FlinkRest.JobStatus job : rest.jobs()) {
            System.out.printf("%-28s %-10s %s  checkpoints completed: %d%n", job.name(), job.state(), job.id(),
                    rest.completedCheckpoints(job.id()));
            if (job.state().equals("RUNNING")) {
                rest.watermarks(job.id()).forEach((vertex, wm) -> System.out.printf("    watermark %s  %s%n",
                        wm == Long.MIN_VALUE ? "(none yet)          " : Instant.ofEpochMilli(wm), vertex));
            }
        }
    }

    /** The id of the running job named "ShopStream <job>". */
    static String jobId(LocalCluster cluster, String job) {
        return cluster.rest().jobs().stream()
                .filter(j -> j.name().equals(ShopJob.displayName(job)) && j.state().equals("RUNNING"))
                .map(FlinkRest.JobStatus::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No running job '" + job + "'"));
    }
}
