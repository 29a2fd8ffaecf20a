package io.shopstream.bench;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.shopstream.bench.Measurements.Backend;
import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.suite.SuiteJobs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code bin/shopstream-bench}: measures, on this machine, what a single plain loop sustains for
 * each job and what Flink does at parallelism 1..N with heap and RocksDB state, optionally first
 * the live rate of a Kafka topic, and writes a Markdown report with charts and a verdict.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(Options.usage());
            return;
        }
        CommandLine.exitOnError("shopstream-bench", () -> run(Options.parse(args)));
    }

    private static void run(Options o) throws Exception {
        TopicRate.Measured topicRate = null;
        if (o.rateTopic() != null) {
            System.out.printf("Sampling the rate of topic %s at %s for %s ...%n", o.rateTopic(), o.rateBootstrapServers(),
                    TimeUtils.formatWithHighestUnit(o.rateWindow()));
            topicRate = TopicRate.measure(o.rateClient().withBootstrapServers(o.rateBootstrapServers()), o.rateTopic(),
                    o.rateWindow(),
                    s -> System.out.printf("  %3.0f s: %,12.0f records/s over the last second%n", s.elapsedSeconds(),
                            s.recordsPerSecond()));
            System.out.printf("Topic %s: %,.0f records/s mean, %,.0f peak, %,d records in %.0f s%n", o.rateTopic(),
                    topicRate.meanPerSecond(), topicRate.peakPerSecond(), topicRate.records(), topicRate.seconds());
        }

        System.out.printf("Generating %,d events (seed 42) ...%n", o.events());
        Workload workload = new Workload(o.events(), 42);
        Measurements m = new Measurements(workload);

        Results results = new Results();
        for (ShopJob job : o.jobs()) {
            results.input(job, m.events(job));
            // One pass of each runner first, not counted: the first pass in a JVM measures the JIT
            // compiling the code (the first Flink pass of enrich ran at 40% of the later ones).
            System.out.printf("%-15s warming up (plain loop, then Flink at p=1 with each backend; not counted)%n", job);
            m.plainLoop(job);
            for (Backend backend : Backend.values()) {
                m.flink(job, 1, backend);
            }
            for (int r = 0; r < o.repeats(); r++) {
                Measurements.Run v = Measurements.atLeast(o.minPass(), () -> m.plainLoop(job));
                results.add(job, "plain", 1, v);
                System.out.printf("%-15s plain loop            run %d: %s%n", job, r + 1, figure(v));
            }
            for (Backend backend : Backend.values()) {
                for (int p = 1; p <= o.maxParallelism(); p++) {
                    for (int r = 0; r < o.repeats(); r++) {
                        int parallelism = p;
                        Measurements.Run v = Measurements.atLeast(o.minPass(), () -> m.flink(job, parallelism, backend));
                        results.add(job, backend.name(), p, v);
                        System.out.printf("%-15s Flink %-8s p=%d  run %d: %s%n", job, backend, p, r + 1, figure(v));
                    }
                }
            }
        }
        Files.createDirectories(o.out());
        List<Path> charts = new ArrayList<>();
        for (ShopJob job : o.jobs()) {
            charts.add(chart(results, job, o.maxParallelism(), o.out()));
        }
        // Written by the local-cluster measurements (recovery, then the backlog ceiling); read now so
        // that fresh ones are included.
        String cluster = null;
        for (String name : List.of("cluster.md", "cluster-ceiling.md")) {
            Path file = o.out().resolve(name);
            if (Files.exists(file)) {
                cluster = (cluster == null ? "" : cluster + "\n") + Files.readString(file);
            }
        }
        Path report = o.out().resolve("report.md");
        Files.writeString(report, Report.markdown(o, results, charts, topicRate, cluster));
        System.out.println("Report: " + report.toAbsolutePath());
    }

    private static String figure(Measurements.Run v) {
        return String.format("%,12.0f events/s, %.1f cores busy, %.1f s in %d round%s", v.eventsPerSecond(), v.coresBusy(),
                v.seconds(), v.rounds(), v.rounds() == 1 ? "" : "s");
    }

    private static Path chart(Results results, ShopJob job, int maxParallelism, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title(job.name() + ": throughput vs parallelism").xAxisTitle("parallelism").yAxisTitle("events/s").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        double plain = results.stats(job, "plain", 1).mean();
        List<Double> xs = new ArrayList<>();
        for (int p = 1; p <= maxParallelism; p++) {
            xs.add((double) p);
        }
        var plainSeries = chart.addSeries("plain loop (1 thread)", xs, xs.stream().map(x -> plain).toList());
        if (maxParallelism > 1) {
            plainSeries.setMarker(SeriesMarkers.NONE); // a level line; a single point needs its marker to show
        }
        for (Backend b : Backend.values()) {
            List<Double> ys = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (int p = 1; p <= maxParallelism; p++) {
                Results.Stats s = results.stats(job, b.name(), p);
                ys.add(s.mean());
                err.add(s.stdev());
            }
            chart.addSeries("Flink, " + b.name().toLowerCase(Locale.ROOT) + " state", xs, ys, err);
        }
        Path file = out.resolve("throughput-" + job.name() + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** The machine a measurement ran on, for the reports: cores, memory, OS, Java, time. */
    public static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return String.format("%d cores, %.1f GiB memory, %s %s, Java %s (%s), measured %s",
                Runtime.getRuntime().availableProcessors(), memory / 1024.0 / 1024 / 1024, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Instant.now());
    }

    /** The command's options; {@link #parse} fails on anything it does not know, before any work. */
    record Options(int events, int repeats, Duration minPass, int maxParallelism, Path out, double eventRate, String rateBootstrapServers,
            KafkaClientProperties rateClient, String rateTopic, Duration rateWindow, List<ShopJob> jobs, String args) {

        static final ConfigOption<Integer> EVENTS =
                key("events").intType().defaultValue(200_000).withDescription("Events generated for the workload (seed 42).");
        static final ConfigOption<Integer> REPEATS =
                key("repeats").intType().defaultValue(3).withDescription("Measured passes per runner and parallelism.");
        static final ConfigOption<Duration> MIN_PASS =
                key("min-pass").durationType().defaultValue(Duration.ofSeconds(10))
                        .withDescription("The least measured processing time of each figure: rounds over the workload"
                                + " back to back until it is reached; 0 = one round.");
        static final ConfigOption<Integer> MAX_PARALLELISM =
                key("max-parallelism").intType().defaultValue(Runtime.getRuntime().availableProcessors())
                        .withDescription("Flink runs at parallelism 1 up to this (default: this machine's cores).");
        static final ConfigOption<Double> EVENT_RATE =
                key("event-rate").doubleType().defaultValue(0.0)
                        .withDescription("Events per second the verdict sets against the ceilings; 0 = the measured"
                                + " topic rate, if any.");
        static final ConfigOption<String> JOBS =
                key("jobs").stringType().defaultValue(String.join(",", SuiteJobs.names()))
                        .withDescription("Which of the suite's jobs to measure, comma separated.");
        static final ConfigOption<String> RATE_BOOTSTRAP_SERVERS =
                key("rate-bootstrap-servers").stringType().noDefaultValue()
                        .withDescription("Kafka whose topic rate to sample first (with rate-topic).");
        static final ConfigOption<String> RATE_TOPIC =
                key("rate-topic").stringType().noDefaultValue()
                        .withDescription("Topic whose read_committed end offsets are sampled once a second.");
        static final ConfigOption<Duration> RATE_WINDOW =
                key("rate-window").durationType().defaultValue(Duration.ofSeconds(30))
                        .withDescription("How long the topic rate is sampled; at least 1 s.");
        static final ConfigOption<String> OUT =
                key("out").stringType().defaultValue("run/bench").withDescription("Folder of the report and charts.");

        static final List<ConfigOption<?>> ALL = List.of(EVENTS, REPEATS, MIN_PASS, MAX_PARALLELISM, EVENT_RATE, JOBS,
                RATE_BOOTSTRAP_SERVERS, RATE_TOPIC, RATE_WINDOW, ShopOptions.KAFKA_PROPERTIES_FILE, OUT);

        static Options parse(String... args) {
            CommandLine.Parsed p = CommandLine.parse(ALL, List.of(KafkaClientProperties.PREFIX), args);
            for (ConfigOption<Integer> option : List.of(EVENTS, REPEATS, MAX_PARALLELISM)) {
                if (p.get(option) < 1) {
                    throw new ConfigException("Option '" + option.key() + "' must be at least 1, got " + p.get(option));
                }
            }
            if (p.get(MIN_PASS).isNegative()) {
                throw new ConfigException("Option 'min-pass' must be at least 0, got " + CommandLine.format(p.get(MIN_PASS)));
            }
            if (!(p.get(EVENT_RATE) >= 0) || Double.isInfinite(p.get(EVENT_RATE))) {
                throw new ConfigException("Option 'event-rate' must be a number of at least 0, got " + p.get(EVENT_RATE));
            }
            String servers = p.get(RATE_BOOTSTRAP_SERVERS);
            String topic = p.get(RATE_TOPIC);
            if ((servers == null) != (topic == null)) {
                throw new ConfigException("Options 'rate-bootstrap-servers' and 'rate-topic' go together");
            }
            KafkaClientProperties rateClient =
                    KafkaClientProperties.of(p.under(KafkaClientProperties.PREFIX), p.get(ShopOptions.KAFKA_PROPERTIES_FILE));
            if (topic == null && (p.isSet(RATE_WINDOW) || !rateClient.isEmpty())) {
                throw new ConfigException((rateClient.isEmpty() ? "Option 'rate-window' needs" : "Kafka client properties need")
                        + " 'rate-bootstrap-servers' and 'rate-topic'");
            }
            if (p.get(RATE_WINDOW).toMillis() < 1000) {
                throw new ConfigException("Option 'rate-window' must be at least 1 s, got "
                        + CommandLine.format(p.get(RATE_WINDOW)));
            }
            return new Options(p.get(EVENTS), p.get(REPEATS), p.get(MIN_PASS), p.get(MAX_PARALLELISM), Path.of(p.get(OUT)),
                    p.get(EVENT_RATE), servers, rateClient, topic, p.get(RATE_WINDOW), jobs(p.get(JOBS)),
                    String.join(" ", args));
        }

        /** The named jobs in the suite's order, each one the bench can measure. */
        private static List<ShopJob> jobs(String names) {
            List<ShopJob> named = SuiteJobs.list(names);
            return SuiteJobs.ALL.stream().filter(named::contains).map(Measurements::measured).toList();
        }

        static String usage() {
            return CommandLine.usage("bin/shopstream-bench [--key value]...", ALL)
                    + String.format("  --%-32s%n      %s%n", KafkaClientProperties.PREFIX + "<client key> VALUE",
                            "A Kafka client property of the topic-rate sampling (security.protocol, sasl.*, ssl.*).");
        }
    }
}
