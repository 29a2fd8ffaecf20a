package io.shopstream.embedded;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.job.ShopJob;
import io.shopstream.generator.GeneratorOptions;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Options of the embedded run: its own ({@link #RUN}) and the generator's ({@link
 * GeneratorOptions#DATA}), read by one {@link CommandLine#parse} call. Unlike the generator's
 * defaults, the embedded run generates 200 events/s without end unless {@code --rate}, {@code
 * --events} or {@code --duration} say otherwise. {@code --duration} also ends the whole run.
 */
public record EmbeddedOptions(
        int restPort,
        String stateBackend,
        int parallelism,
        int partitions,
        Duration checkpointInterval,
        List<String> jobs,
        Path runDir,
        GeneratorSettings generator) {

    public static final ConfigOption<Integer> REST_PORT =
            key("rest-port").intType().defaultValue(8081).withDescription("Flink REST/web UI port; 0 = any free port.");

    public static final ConfigOption<String> STATE_BACKEND =
            key("state-backend").stringType().defaultValue("rocksdb").withDescription("rocksdb or hashmap.");

    public static final ConfigOption<Integer> PARALLELISM =
            key("parallelism").intType().defaultValue(1).withDescription("Parallelism of each job.");

    public static final ConfigOption<Integer> PARTITIONS =
            key("partitions").intType().defaultValue(4).withDescription("Partitions of every topic.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            key("checkpoint-interval").durationType().defaultValue(Duration.ofSeconds(2))
                    .withDescription("Checkpoint (and so output commit) interval.");

    public static final ConfigOption<String> JOBS =
            key("jobs").stringType().defaultValue(String.join(",", SuiteJobs.names()))
                    .withDescription("Which of the suite's jobs to run, comma separated.");

    /**
     * Event time runs this many times faster than the clock unless {@code --time-scale} says
     * otherwise: a 30-minute session gap passes in 30 s, so sessions and unpaid orders show up
     * while you watch (the replay case of a backfill, which the jobs handle like live data).
     */
    public static final ConfigOption<Double> TIME_SCALE =
            key("time-scale").doubleType().defaultValue(60.0)
                    .withDescription("Event time runs this many times as fast as the clock (60: a 30-minute session"
                            + " gap passes in 30 s; 1 = real time); sets event-time-step = time-scale x 1 s / rate"
                            + " unless that is given.");

    /** The generator's rate in the embedded run: a live demo, not a burst. */
    public static final ConfigOption<Double> RATE =
            key(GeneratorOptions.RATE.key()).doubleType().defaultValue(200.0)
                    .withDescription(CommandLine.describe(GeneratorOptions.RATE));

    /** The generator's event count in the embedded run: without end. */
    public static final ConfigOption<Long> EVENTS =
            key(GeneratorOptions.EVENTS.key()).longType().defaultValue(0L)
                    .withDescription(CommandLine.describe(GeneratorOptions.EVENTS));

    /** The run's own options. */
    public static final List<ConfigOption<?>> RUN =
            List.of(REST_PORT, STATE_BACKEND, PARALLELISM, PARTITIONS, CHECKPOINT_INTERVAL, JOBS, TIME_SCALE);

    /** Every option: the run's, then the generator's (with the run's defaults for rate and events). */
    public static final List<ConfigOption<?>> ALL = all();

    /** Folder for logs and checkpoints; {@code -Dshopstream.runDir} overrides it. */
    public static Path defaultRunDir() {
        return Path.of(System.getProperty("shopstream.runDir", "run/embedded"));
    }

    /** How long the run lasts, or null for "until Ctrl-C". */
    public Duration duration() {
        return generator.duration();
    }

    public static EmbeddedOptions parse(String... args) {
        CommandLine.Parsed p = CommandLine.parse(ALL, args);
        String backend = p.get(STATE_BACKEND);
        if (!backend.equals("rocksdb") && !backend.equals("hashmap")) {
            throw new ConfigException("Option 'state-backend' must be rocksdb or hashmap, got '" + backend + "'");
        }
        atLeast(p, REST_PORT, 0);
        atLeast(p, PARALLELISM, 1);
        atLeast(p, PARTITIONS, 1);
        double timeScale = p.get(TIME_SCALE);
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new ConfigException("Option 'time-scale' must be a positive number, got " + timeScale);
        }
        List<String> jobs = SuiteJobs.list(p.get(JOBS)).stream().map(ShopJob::name).toList();

        // A live demo: event time runs timeScale times as fast as the clock (unless the step is
        // given), so that windows, sessions and payment verdicts close while you watch.
        Configuration generator = new Configuration(p.config());
        double rate = p.get(RATE);
        generator.set(GeneratorOptions.RATE, rate);
        generator.set(GeneratorOptions.EVENTS, p.get(EVENTS));
        if (!p.isSet(GeneratorOptions.EVENT_TIME_STEP) && rate > 0) {
            generator.set(GeneratorOptions.EVENT_TIME_STEP, Duration.ofMillis(Math.max(1, Math.round(timeScale * 1000 / rate))));
        }
        return new EmbeddedOptions(p.get(REST_PORT), backend, p.get(PARALLELISM), p.get(PARTITIONS),
                p.get(CHECKPOINT_INTERVAL), jobs, defaultRunDir(), GeneratorSettings.of(generator));
    }

    static String usage() {
        return CommandLine.usage("bin/shopstream-embedded [--key value]...", ALL)
                + "\nRuns Kafka (in-JVM, KRaft), a Flink MiniCluster with the web UI and the suite's jobs, fed by the"
                + "\ngenerator. Stops after --duration, or on Ctrl-C. In the embedded run enrich.max-wait is 5 s, so"
                + "\nthat windows, sessions and payment verdicts close while you watch.\n";
    }

    private static void atLeast(CommandLine.Parsed p, ConfigOption<Integer> option, int least) {
        if (p.get(option) < least) {
            throw new ConfigException("Option '" + option.key() + "' must be at least " + least + ", got " + p.get(option));
        }
    }

    private static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> all = new ArrayList<>(RUN);
        for (ConfigOption<?> option : GeneratorOptions.DATA) {
            all.add(option == GeneratorOptions.RATE ? RATE : option == GeneratorOptions.EVENTS ? EVENTS : option);
        }
        return List.copyOf(all);
    }
}
