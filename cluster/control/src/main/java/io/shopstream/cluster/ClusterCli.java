package io.shopstream.cluster;

import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.generator.GeneratorMain;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * {@code bin/shopstream-cluster}: runs the suite on a real local cluster (a Kafka broker, a
 * JobManager with the web UI and N TaskManagers, each its own process on 127.0.0.1).
 */
public final class ClusterCli {

    /** The suite's jobs, in submission order. */
    public static final List<String> JOBS = SuiteJobs.names();

    private static final String USAGE = """
            Usage: bin/shopstream-cluster <command> [options]

              up [--taskmanagers N]        start Kafka, the JobManager (web UI) and N TaskManagers (default 2),
                                           and create the contract's topics
              topics                       create the contract's topics (4 partitions) if missing
              submit <job>|all [-p N] [-- job args]
                                           submit with `flink run -d` (jobs: enrich, category-stats, sessions, payments)
              status                       processes, TaskManagers, jobs, checkpoints and watermarks
              generate [generator args]    run the generator against the cluster's Kafka
              savepoint <job>              take a savepoint of a running job
              stop <job>                   stop a job with a savepoint (prints the path)
              resume <job> <savepoint> [-p N]
                                           start a job from a savepoint, also at another parallelism
              kill-tm [name]               kill -9 a TaskManager (default: the newest)
              add-tm                       start one more TaskManager
              flink <args>                 run the Flink CLI against the cluster (list, cancel, ...)
              down                         stop every process of the cluster

            Options for every command: --home DIR (default run/cluster), --rest-port P (8081), --kafka-port P (9092)
            """;

    private ClusterCli() {}

    public static void main(String[] argv) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Path repo = LocalCluster.findRepo();
        Path home = Path.of(option(args, "--home").orElse(repo.resolve("run/cluster").toString()));
        int restPort = Integer.parseInt(option(args, "--rest-port").orElse("8081"));
        int kafkaPort = Integer.parseInt(option(args, "--kafka-port").orElse("9092"));
        LocalCluster cluster = new LocalCluster(repo, home, restPort, kafkaPort);
        String command = args.remove(0);
        switch (command) {
            case "up" -> up(cluster, Integer.parseInt(option(args, "--taskmanagers").orElse("2")));
            case "topics" -> createTopics(cluster, 4);
            case "submit" -> submit(cluster, args);
            case "status" -> status(cluster);
            case "generate" -> {
                List<String> g = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers()));
                g.addAll(args);
                GeneratorMain.main(g.toArray(String[]::new));
            }
            case "savepoint" -> System.out.println("Savepoint: " + cluster.savepoint(jobId(cluster, one(args))));
            case "stop" -> System.out.println("Stopped with savepoint: " + cluster.stopWithSavepoint(jobId(cluster, one(args))));
            case "resume" -> resume(cluster, args);
            case "kill-tm" -> killTaskManager(cluster, args.isEmpty() ? null : args.get(0));
            case "add-tm" -> {
                String name = cluster.startTaskManager();
                System.out.println("Started " + name + " (pid " + cluster.pid(name) + ")");
            }
            case "flink" -> System.out.print(cluster.flink(args.toArray(String[]::new)));
            case "down" -> {
                cluster.stopAll();
                System.out.println("Stopped every process of the cluster in " + cluster.home());
            }
            default -> {
                System.err.println("Unknown command '" + command + "'\n\n" + USAGE);
                System.exit(2);
            }
        }
    }

    static void up(LocalCluster cluster, int taskManagers) throws Exception {
        long t0 = System.nanoTime();
        cluster.startKafka();
        System.out.printf("Kafka broker      %s (pid %d)%n", cluster.bootstrapServers(), cluster.pid(LocalCluster.KAFKA));
        createTopics(cluster, 4);
        cluster.startJobManager();
        System.out.printf("JobManager        %s (pid %d)  <- web UI%n", cluster.restUrl(), cluster.pid(LocalCluster.JOBMANAGER));
        int existing = (int) cluster.processNames().stream().filter(n -> n.startsWith(LocalCluster.TASKMANAGER_PREFIX)).count();
        for (int i = existing; i < taskManagers; i++) {
            cluster.startTaskManager();
        }
        cluster.awaitTaskManagers(Math.max(existing, taskManagers), Duration.ofSeconds(90));
        for (String name : cluster.processNames()) {
            if (name.startsWith(LocalCluster.TASKMANAGER_PREFIX)) {
                System.out.printf("TaskManager       %s (pid %d)%n", name, cluster.pid(name));
            }
        }
        System.out.printf("Cluster up in %.1f s. Logs: %s/log%n", (System.nanoTime() - t0) / 1e9, cluster.home());
    }

    /** Creates the contract's topics with its cleanup policies; existing ones are left alone. */
    static void createTopics(LocalCluster cluster, int partitions) throws Exception {
        List<String> compacted = List.of(ShopOptions.TOPIC_PRODUCTS.defaultValue(), ShopOptions.TOPIC_CUSTOMERS.defaultValue(),
                ShopOptions.TOPIC_CATEGORY_STATS.defaultValue());
        try (Admin admin = cluster.kafkaAdmin()) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (var option : ShopOptions.ALL) {
                if (!option.key().startsWith("topics.")) {
                    continue;
                }
                String topic = (String) option.defaultValue();
                if (existing.contains(topic)) {
                    continue;
                }
                NewTopic t = new NewTopic(topic, partitions, (short) 1);
                if (compacted.contains(topic)) {
                    t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                create.add(t);
            }
            if (!create.isEmpty()) {
                admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
                System.out.println("Created topics: " + create.stream().map(NewTopic::name).toList());
            }
        }
    }

    private static void submit(LocalCluster cluster, List<String> args) throws Exception {
        String which = one(args);
        List<String> flinkOptions = new ArrayList<>();
        option(args, "-p").ifPresent(p -> flinkOptions.addAll(List.of("-p", p)));
        List<String> jobArgs = jobArgs(args);
        for (String job : which.equals("all") ? JOBS : List.of(which)) {
            if (which.equals("all") && !jobJarExists(cluster, job)) {
                System.out.println("Skipping " + job + ": no job jar built");
                continue;
            }
            String id = cluster.submit(job, flinkOptions, jobArgs);
            System.out.printf("Submitted %-15s job id %s%n", job, id);
        }
    }

    private static boolean jobJarExists(LocalCluster cluster, String job) {
        try {
            cluster.jobJar(job);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void resume(LocalCluster cluster, List<String> args) throws Exception {
        if (args.size() < 2) {
            throw new IllegalArgumentException("resume needs <job> <savepoint>");
        }
        String job = args.remove(0);
        String savepoint = args.remove(0);
        List<String> flinkOptions = new ArrayList<>(List.of("-s", savepoint));
        option(args, "-p").ifPresent(p -> flinkOptions.addAll(List.of("-p", p)));
        System.out.println("Resumed " + job + " as job " + cluster.submit(job, flinkOptions, jobArgs(args)));
    }

    private static void killTaskManager(LocalCluster cluster, String name) throws Exception {
        String victim = name;
        if (victim == null) {
            List<String> tms = cluster.processNames().stream().filter(n -> n.startsWith(LocalCluster.TASKMANAGER_PREFIX)).toList();
            if (tms.isEmpty()) {
                throw new IllegalStateException("No TaskManager is running");
            }
            victim = tms.get(tms.size() - 1);
        }
        long pid = cluster.pid(victim);
        if (!cluster.kill(victim)) {
            throw new IllegalStateException(victim + " is not running");
        }
        System.out.println("Killed " + victim + " (pid " + pid + ") with SIGKILL");
    }

    private static void status(LocalCluster cluster) throws Exception {
        for (String name : cluster.processNames()) {
            System.out.printf("%-16s %s%n", name, cluster.isAlive(name) ? "running, pid " + cluster.pid(name) : "DEAD");
        }
        System.out.println("TaskManagers registered: " + cluster.registeredTaskManagers());
        for (LocalCluster.JobStatus job : cluster.jobs()) {
            System.out.printf("%-28s %-10s %s  checkpoints completed: %d%n", job.name(), job.state(), job.id(),
                    cluster.completedCheckpoints(job.id()));
            if (job.state().equals("RUNNING")) {
                cluster.watermarks(job.id()).forEach((vertex, wm) -> System.out.printf("    watermark %s  %s%n",
                        wm == Long.MIN_VALUE ? "(none yet)          " : java.time.Instant.ofEpochMilli(wm), vertex));
            }
        }
    }

    /** The id of the running job named "ShopStream <job>". */
    static String jobId(LocalCluster cluster, String job) {
        return cluster.jobs().stream()
                .filter(j -> j.name().equals(ShopJob.displayName(job)) && j.state().equals("RUNNING"))
                .map(LocalCluster.JobStatus::id)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No running job '" + job + "'"));
    }

    private static String one(List<String> args) {
        if (args.isEmpty() || args.get(0).startsWith("-")) {
            throw new IllegalArgumentException("Missing job name\n\n" + USAGE);
        }
        return args.remove(0);
    }

    private static List<String> jobArgs(List<String> args) {
        int dashes = args.indexOf("--");
        return dashes < 0 ? new ArrayList<>() : new ArrayList<>(args.subList(dashes + 1, args.size()));
    }

    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0 || (args.indexOf("--") >= 0 && i > args.indexOf("--"))) {
            return Optional.empty();
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException("Missing value after " + name);
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return Optional.of(value);
    }
}
