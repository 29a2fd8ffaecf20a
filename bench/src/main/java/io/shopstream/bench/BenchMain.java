package io.shopstream.bench;

import io.shopstream.bench.Measurements.Backend;
import io.shopstream.bench.Measurements.Job;
import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.config.ShopOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        Options o = Options.parse(args);
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
        for (Job job : o.jobs()) {
            results.input(job, m.events(job));
            // One pass of each runner first, not counted: the first pass in a JVM measures the JIT
            // compiling the code (the first Flink pass of enrich ran at 40% of the later ones).
            System.out.printf("%-15s warming up (plain loop, then Flink at p=1 with each backend; not counted)%n", job);
            m.plainLoop(job);
            for (Backend backend : Backend.values()) {
                m.flink(job, 1, backend);
            }
            for (int r = 0; r < o.repeats(); r++) {
                Measurements.Run v = m.plainLoop(job);
                results.add(job, "plain", 1, v);
                System.out.printf("%-15s plain loop            run %d: %,12.0f events/s, %.1f cores busy%n", job, r + 1,
                        v.eventsPerSecond(), v.coresBusy());
            }
            for (Backend backend : Backend.values()) {
                for (int p = 1; p <= o.maxParallelism(); p++) {
                    for (int r = 0; r < o.repeats(); r++) {
                        Measurements.Run v = m.flink(job, p, backend);
                        results.add(job, backend.name(), p, v);
                        System.out.printf("%-15s Flink %-8s p=%d  run %d: %,12.0f events/s, %.1f cores busy%n", job,
                                backend, p, r + 1, v.eventsPerSecond(), v.coresBusy());
                    }
                }
            }
        }
        Files.createDirectories(o.out());
        List<Path> charts = new ArrayList<>();
        for (Job job : o.jobs()) {
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

    private static Path chart(Results results, Job job, int maxParallelism, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title(job.id() + ": throughput vs parallelism").xAxisTitle("parallelism").yAxisTitle("events/s").build();
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
        Path file = out.resolve("throughput-" + job.id() + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
        return String.format("%d cores, %.1f GiB memory, %s %s, Java %s (%s), measured %s",
                Runtime.getRuntime().availableProcessors(), memory / 1024.0 / 1024 / 1024, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Instant.now());
    }

    /** The command's options; {@link #parse} fails on anything it does not know, before any work. */
    record Options(int events, int repeats, int maxParallelism, Path out, double eventRate, String rateBootstrapServers,
            KafkaClientProperties rateClient, String rateTopic, Duration rateWindow, List<Job> jobs, String args) {

        static final String USAGE = "Usage: bin/shopstream-bench [--events N] [--repeats R] [--max-parallelism P]"
                + " [--jobs enrich,category-stats,sessions,payments]"
                + " [--event-rate EVENTS_PER_S] [--rate-bootstrap-servers HOST:PORT --rate-topic TOPIC"
                + " [--rate-window 30s] [--kafka.properties.<client key> VALUE]... [--kafka.properties-file FILE]]"
                + " [--out DIR]";

        private static final List<String> KEYS = List.of("events", "repeats", "max-parallelism", "event-rate", "out",
                "rate-bootstrap-servers", "rate-topic", "rate-window", "jobs", ShopOptions.KAFKA_PROPERTIES_FILE.key());

        static Options parse(String... args) {
            Map<String, String> map = new LinkedHashMap<>();
            Map<String, String> client = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("Bad argument " + args[i] + ". " + USAGE);
                }
                String key = args[i].substring(2);
                String clientKey = KafkaClientProperties.clientKeyOf(key);
                if (clientKey == null && !KEYS.contains(key)) {
                    throw new IllegalArgumentException("Unknown option --" + key + ". " + USAGE);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option --" + key + " needs a value. " + USAGE);
                }
                if (clientKey != null) {
                    client.put(clientKey, args[++i]);
                } else {
                    map.put(key, args[++i]);
                }
            }
            String servers = map.get("rate-bootstrap-servers");
            String topic = map.get("rate-topic");
            if ((servers == null) != (topic == null)) {
                throw new IllegalArgumentException("--rate-bootstrap-servers and --rate-topic go together. " + USAGE);
            }
            KafkaClientProperties rateClient = KafkaClientProperties.of(client, map.get(ShopOptions.KAFKA_PROPERTIES_FILE.key()));
            if (topic == null && (map.containsKey("rate-window") || !rateClient.isEmpty())) {
                throw new IllegalArgumentException((rateClient.isEmpty() ? "--rate-window needs" : "Kafka client properties need")
                        + " --rate-bootstrap-servers and --rate-topic. " + USAGE);
            }
            Duration window = duration(map, "rate-window", "30s");
            if (window.toMillis() < 1000) {
                throw new IllegalArgumentException("--rate-window must be at least 1s, got " + map.get("rate-window"));
            }
            return new Options(
                    positive(map, "events", "200000"),
                    positive(map, "repeats", "3"),
                    positive(map, "max-parallelism", String.valueOf(Runtime.getRuntime().availableProcessors())),
                    Path.of(map.getOrDefault("out", "run/bench")),
                    number(map, "event-rate", "0"),
                    servers, rateClient, topic, window, jobs(map.getOrDefault("jobs", "")), String.join(" ", args));
        }

        /** A comma-separated list of the suite's job names; empty means all, in the suite's order. */
        private static List<Job> jobs(String text) {
            if (text.isBlank()) {
                return List.of(Job.values());
            }
            List<String> names = List.of(text.split(","));
            List<Job> jobs = new ArrayList<>();
            for (Job job : Job.values()) {
                if (names.contains(job.id())) {
                    jobs.add(job);
                }
            }
            for (String name : names) {
                if (jobs.stream().noneMatch(j -> j.id().equals(name))) {
                    throw new IllegalArgumentException("--jobs: unknown job '" + name + "'; the jobs are "
                            + String.join(", ", List.of(Job.values()).stream().map(Job::id).toList()));
                }
            }
            return jobs;
        }

        private static int positive(Map<String, String> map, String key, String fallback) {
            String text = map.getOrDefault(key, fallback);
            try {
                int v = Integer.parseInt(text);
                if (v >= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException("--" + key + " must be a whole number of at least 1, got " + text);
        }

        private static double number(Map<String, String> map, String key, String fallback) {
            String text = map.getOrDefault(key, fallback);
            try {
                double v = Double.parseDouble(text);
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " must be a number of at least 0, got " + text);
            }
        }

        private static Duration duration(Map<String, String> map, String key, String fallback) {
            String text = map.getOrDefault(key, fallback);
            try {
                // Flink's duration syntax, as everywhere else in the suite: 30s, 30 s, 1 min.
                return TimeUtils.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + key + " must be a duration such as 30s or 2 min, got " + text);
            }
        }
    }
}
