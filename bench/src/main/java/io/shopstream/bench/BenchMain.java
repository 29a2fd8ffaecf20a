package io.shopstream.bench;

import io.shopstream.bench.Measurements.Backend;
import io.shopstream.bench.Measurements.Job;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code bin/shopstream-bench}: measures, on this machine, what a single plain loop sustains for
 * each job and what Flink does at parallelism 1..N with heap and RocksDB state, and writes a
 * Markdown report with charts and a verdict.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        int events = Integer.parseInt(opts.getOrDefault("events", "200000"));
        int repeats = Integer.parseInt(opts.getOrDefault("repeats", "3"));
        int maxParallelism = Integer.parseInt(opts.getOrDefault("max-parallelism",
                String.valueOf(Runtime.getRuntime().availableProcessors())));
        Path out = Path.of(opts.getOrDefault("out", "run/bench"));
        double eventRate = Double.parseDouble(opts.getOrDefault("event-rate", "0"));

        System.out.printf("Generating %,d events (seed 42) ...%n", events);
        Workload workload = new Workload(events, 42);
        Measurements m = new Measurements(workload);
        // Warm the JIT once on the plain path so the first measured repeat is not penalised.
        m.plainLoop(Job.ENRICH);

        Results results = new Results();
        for (Job job : Job.values()) {
            for (int r = 0; r < repeats; r++) {
                double v = m.plainLoop(job);
                results.add(job, "plain", 1, v);
                System.out.printf("%-15s plain loop            run %d: %,12.0f events/s%n", job, r + 1, v);
            }
            for (Backend backend : Backend.values()) {
                for (int p = 1; p <= maxParallelism; p++) {
                    for (int r = 0; r < repeats; r++) {
                        double v = m.flink(job, p, backend);
                        results.add(job, backend.name(), p, v);
                        System.out.printf("%-15s Flink %-8s p=%d  run %d: %,12.0f events/s%n", job, backend, p, r + 1, v);
                    }
                }
            }
        }
        Files.createDirectories(out);
        List<Path> charts = new ArrayList<>();
        for (Job job : Job.values()) {
            charts.add(chart(results, job, maxParallelism, out));
        }
        Path report = out.resolve("report.md");
        Files.writeString(report, Report.markdown(results, charts, events, repeats, maxParallelism, eventRate,
                String.join(" ", args)));
        System.out.println("Report: " + report.toAbsolutePath());
    }

    private static Path chart(Results results, Job job, int maxParallelism, Path out) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title(job + ": throughput vs parallelism").xAxisTitle("parallelism").yAxisTitle("events/s").build();
        chart.getStyler().setXAxisDecimalPattern("0");
        double plain = results.stats(job, "plain", 1).mean();
        List<Double> xs = new ArrayList<>();
        for (int p = 1; p <= maxParallelism; p++) {
            xs.add((double) p);
        }
        chart.addSeries("plain loop (1 thread)", xs, xs.stream().map(x -> plain).toList()).setMarker(SeriesMarkers.NONE);
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
        Path file = out.resolve("throughput-" + job.name().toLowerCase(Locale.ROOT).replace('_', '-') + ".png");
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

    private static Map<String, String> parse(String[] args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Usage: bin/shopstream-bench [--events N] [--repeats R]"
                        + " [--max-parallelism P] [--event-rate EVENTS_PER_S] [--out DIR]; bad argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (!List.of("events", "repeats", "max-parallelism", "out", "event-rate").contains(key)) {
                throw new IllegalArgumentException("Unknown option --" + key);
            }
            map.put(key, args[++i]);
        }
        return map;
    }
}
