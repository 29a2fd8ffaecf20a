package io.shopstream.bench.cluster;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.shopstream.cluster.LocalCluster;
import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/**
 * The options of {@code bin/shopstream-bench cluster}, its own: the in-JVM measurement's
 * ({@code BenchMain}) are a different command's. {@link #parse} fails on anything it does not
 * know, before any work.
 */
record ClusterBenchOptions(boolean ceiling, int events, double rate, Duration checkpointInterval, int parallelism,
        Path out, Path home) {

    static final int TASK_MANAGERS = 3;
    static final int SLOTS_PER_TASK_MANAGER = 2;
    /** The slots left after one of the TaskManagers is killed. */
    static final int MAX_PARALLELISM = (TASK_MANAGERS - 1) * SLOTS_PER_TASK_MANAGER;

    static final ConfigOption<String> SCENARIO = key("scenario").stringType().defaultValue("recovery")
            .withDescription("recovery: events at --rate, a TaskManager killed mid-feed; writes cluster.md and"
                    + " recovery-timeline.png. ceiling: every event sent at once, enrich catches up the backlog, then"
                    + " PlainEnrich does the same Kafka to Kafka; writes cluster-ceiling.md.");
    static final ConfigOption<Integer> EVENTS = key("events").intType().defaultValue(120_000)
            .withDescription("Events to feed.");
    static final ConfigOption<Double> RATE = key("rate").doubleType().defaultValue(2000.0)
            .withDescription("Events per second offered to Kafka (recovery only).");
    static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("checkpoint-interval").durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("enrich's checkpoint interval, e.g. 1 s, 500 ms (at least 10 ms).");
    static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().defaultValue(2)
            .withDescription("enrich's parallelism, 1 to " + MAX_PARALLELISM + ": the slots left after one of the "
                    + TASK_MANAGERS + " TaskManagers (" + SLOTS_PER_TASK_MANAGER + " slots each) is killed.");
    static final ConfigOption<String> OUT = key("out").stringType().noDefaultValue()
            .withDescription("Where the report and chart go (default run/bench).");
    static final ConfigOption<String> HOME = key("home").stringType().noDefaultValue()
            .withDescription("The cluster's folder, emptied first (default run/bench-cluster).");
    static final List<ConfigOption<?>> ALL = List.of(SCENARIO, EVENTS, RATE, CHECKPOINT_INTERVAL, PARALLELISM, OUT, HOME);

    static String usage() {
        return CommandLine.usage("bin/shopstream-bench cluster [options]", ALL);
    }

    static ClusterBenchOptions parse(String... args) {
        CommandLine.Parsed p = CommandLine.parse(ALL, args);
        String scenario = p.get(SCENARIO);
        if (!scenario.equals("recovery") && !scenario.equals("ceiling")) {
            throw new ConfigException("Option 'scenario' must be recovery or ceiling, got '" + scenario + "'");
        }
        boolean ceiling = scenario.equals("ceiling");
        if (ceiling && p.isSet(RATE)) {
            throw new ConfigException("Option 'rate' applies to --scenario recovery; the ceiling sends as fast as it can");
        }
        double rate = p.get(RATE);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ConfigException("Option 'rate' must be a number above 0, got '" + rate + "'");
        }
        within(EVENTS, p.get(EVENTS), 1, Integer.MAX_VALUE);
        within(PARALLELISM, p.get(PARALLELISM), 1, MAX_PARALLELISM);
        Duration interval = p.get(CHECKPOINT_INTERVAL);
        if (interval.toMillis() < 10) { // Flink's lower bound for a checkpoint interval
            throw new ConfigException("Option 'checkpoint-interval' must be at least 10 ms, got " + CommandLine.format(interval));
        }
        Path repo = LocalCluster.findRepo();
        return new ClusterBenchOptions(ceiling, p.get(EVENTS), rate, interval, p.get(PARALLELISM),
                p.isSet(OUT) ? Path.of(p.get(OUT)) : repo.resolve("run/bench"),
                p.isSet(HOME) ? Path.of(p.get(HOME)) : repo.resolve("run/bench-cluster"));
    }

    private static void within(ConfigOption<Integer> option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException("Option '" + option.key() + "' must be a whole number from " + min + " to " + max
                    + ", got " + value);
        }
    }

    /** The command line that reproduces this run. */
    String commandLine() {
        String interval = TimeUtils.formatWithHighestUnit(checkpointInterval).replace(" ", "");
        if (ceiling) {
            return String.format("bin/shopstream-bench cluster --scenario ceiling --events %d --checkpoint-interval %s"
                    + " --parallelism %d", events, interval, parallelism);
        }
        return String.format("bin/shopstream-bench cluster --events %d --rate %s --checkpoint-interval %s --parallelism %d",
                events, rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate), interval, parallelism);
    }
}
