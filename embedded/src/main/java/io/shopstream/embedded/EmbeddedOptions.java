package io.shopstream.embedded;

import io.shopstream.generator.GeneratorSettings;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the embedded run. Its own keys are {@code --rest-port}, {@code --state-backend}
 * ({@code rocksdb} or {@code hashmap}), {@code --parallelism}, {@code --partitions}, {@code
 * --checkpoint-interval}, {@code --jobs} and {@code --time-scale}; every other {@code --key value}
 * is a generator setting. Unlike the
 * generator's defaults, the embedded run generates 200 events/s without end unless {@code
 * --rate}, {@code --events} or {@code --duration} say otherwise. {@code --duration} also ends
 * the whole run.
 */
public record EmbeddedOptions(
        int restPort,
        String stateBackend,
        int parallelism,
        int partitions,
        String checkpointInterval,
        List<String> jobs,
        Path runDir,
        GeneratorSettings generator) {

    public static final int DEFAULT_REST_PORT = 8081;

    /**
     * Event time runs this many times faster than the clock unless {@code --time-scale} says
     * otherwise: a 30-minute session gap passes in 30 s, so sessions and unpaid orders show up
     * while you watch (the replay case of a backfill, which the jobs handle like live data).
     */
    public static final double DEFAULT_TIME_SCALE = 60;

    /** Folder for logs and checkpoints; {@code -Dshopstream.runDir} overrides it. */
    public static Path defaultRunDir() {
        return Path.of(System.getProperty("shopstream.runDir", "run/embedded"));
    }

    /** How long the run lasts, or null for "until Ctrl-C". */
    public Duration duration() {
        return generator.duration();
    }

    public static EmbeddedOptions parse(String... args) {
        int restPort = DEFAULT_REST_PORT;
        String stateBackend = "rocksdb";
        int parallelism = 1;
        int partitions = 4;
        String checkpointInterval = "2s";
        double timeScale = DEFAULT_TIME_SCALE;
        List<String> jobs = SuiteJobs.names();
        List<String> generatorArgs = new ArrayList<>(List.of("--rate", "200", "--events", "0"));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String key = arg.startsWith("--") ? arg.substring(2) : arg;
            String value = null;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (!List.of("rest-port", "state-backend", "parallelism", "partitions", "checkpoint-interval", "jobs", "time-scale")
                    .contains(key)) {
                generatorArgs.add(arg);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value after '" + arg + "'");
                }
                value = args[++i];
            }
            switch (key) {
                case "rest-port" -> restPort = positive(key, value);
                case "parallelism" -> parallelism = positive(key, value);
                case "partitions" -> partitions = positive(key, value);
                case "checkpoint-interval" -> checkpointInterval = value;
                case "jobs" -> jobs = jobs(value);
                case "time-scale" -> timeScale = timeScale(value);
                default -> {
                    if (!value.equals("rocksdb") && !value.equals("hashmap")) {
                        throw new IllegalArgumentException(
                                "Option 'state-backend' must be rocksdb or hashmap, got '" + value + "'");
                    }
                    stateBackend = value;
                }
            }
        }
        // A live demo: event time runs timeScale times as fast as the clock (unless the step is
        // given), so that windows, sessions and payment verdicts close while you watch.
        GeneratorSettings settings = GeneratorSettings.fromArgs(generatorArgs.toArray(String[]::new));
        boolean stepGiven = generatorArgs.stream().anyMatch(a -> a.startsWith("--eventTimeStepMs"));
        if (!stepGiven && settings.rate() > 0) {
            generatorArgs.add("--eventTimeStepMs");
            generatorArgs.add(String.valueOf(Math.max(1, Math.round(timeScale * 1000 / settings.rate()))));
            settings = GeneratorSettings.fromArgs(generatorArgs.toArray(String[]::new));
        }
        return new EmbeddedOptions(restPort, stateBackend, parallelism, partitions, checkpointInterval, jobs,
                defaultRunDir(), settings);
    }

    private static List<String> jobs(String value) {
        List<String> known = SuiteJobs.names();
        List<String> jobs = new ArrayList<>();
        for (String name : value.split(",")) {
            if (!known.contains(name.trim())) {
                throw new IllegalArgumentException("Unknown job '" + name.trim() + "' in --jobs; the suite has " + known);
            }
            jobs.add(name.trim());
        }
        return List.copyOf(jobs);
    }

    private static double timeScale(String value) {
        try {
            double scale = Double.parseDouble(value.trim());
            if (scale > 0 && Double.isFinite(scale)) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option 'time-scale' must be a positive number (60 = event time runs"
                + " 60 times as fast as the clock), got '" + value + "'");
    }

    private static int positive(String key, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0 || key.equals("rest-port") && n == 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Option '" + key + "' must be a positive integer, got '" + value + "'");
    }

    static String usage() {
        return """
                Usage: bin/shopstream-embedded [--duration 60s] [--rate 200] [options] [generator options]

                Runs Kafka (in-JVM, KRaft), a Flink MiniCluster with the web UI and every job of the suite,
                fed by the generator. Stops after --duration, or on Ctrl-C.

                  --rest-port N             Flink REST/web UI port (default 8081; 0 = any free port)
                  --state-backend B         rocksdb (default) or hashmap
                  --parallelism N           parallelism of each job (default 1)
                  --partitions N            partitions of every topic (default 4)
                  --checkpoint-interval D   checkpoint (and so output commit) interval (default 2s)
                  --jobs a,b                which jobs to run (default: all of %s)
                  --time-scale X            event time runs X times as fast as the clock (default 60: a
                                            30-minute session gap passes in 30 s; 1 = real time)
                  --duration D              how long to run, e.g. 60s or 5m (default: until Ctrl-C)
                  --rate N                  events per second (default 200)
                  --events N                stop generating after N event records (default 0 = unlimited)
                Generator options: %s
                In the embedded run eventTimeStepMs = time-scale * 1000 / rate unless given, and enrich.max-wait
                is 5 s, so that windows, sessions and payment verdicts close while you watch.
                """.formatted(SuiteJobs.names(),
                        String.join(", ", GeneratorSettings.keys()));
    }
}
