package io.shopstream.bench;

import io.shopstream.bench.Measurements.Backend;
import io.shopstream.bench.Measurements.Job;
import java.nio.file.Path;
import java.util.List;

/** The Markdown report: machine, every figure with its spread, charts, targets and a verdict. */
final class Report {

    private Report() {}

    static String markdown(Results r, List<Path> charts, int events, int repeats, int maxP, double eventRate, String args) {
        StringBuilder md = new StringBuilder();
        md.append("# Do we need distributed stream processing? Measured here\n\n");
        md.append("Machine: ").append(BenchMain.machine()).append("\n\n");
        md.append("Command: `bin/shopstream-bench ").append(args).append("`. Workload: ").append(String.format("%,d", events))
                .append(" generated events (seed 42), replayed from memory; each figure is the mean of ").append(repeats)
                .append(" runs with its standard deviation and range. Flink runs on a local MiniCluster with"
                        + " checkpoints every second, from an in-memory source to a discarding sink, outputs serialized"
                        + " to JSON; the plain loop parses, processes and serializes the same records in one thread.\n\n");
        for (Job job : Job.values()) {
            Results.Stats plain = r.stats(job, "plain", 1);
            md.append("## ").append(job.name().toLowerCase().replace('_', '-')).append("\n\n");
            md.append("| runner | parallelism | events/s (mean ± sd) | range | vs plain loop |\n|---|---|---|---|---|\n");
            md.append(row("plain loop", 1, plain, plain));
            for (Backend b : Backend.values()) {
                for (int p = 1; p <= maxP; p++) {
                    md.append(row("Flink, " + b.name().toLowerCase() + " state", p, r.stats(job, b.name(), p), plain));
                }
            }
            md.append('\n');
            for (Backend b : Backend.values()) {
                double p1 = r.stats(job, b.name(), 1).mean();
                double pn = r.stats(job, b.name(), maxP).mean();
                md.append(String.format("- %s state: parallelism %d gives %.2fx parallelism 1 (scaling efficiency %.0f%%).%n",
                        b.name().toLowerCase(), maxP, pn / p1, 100 * pn / p1 / maxP));
            }
            md.append(String.format("- Targets: Flink p=1 heap >= 0.5x plain: %s (%.2fx); RocksDB >= 0.25x: %s (%.2fx);"
                            + " p=2 >= 1.5x p=1 (heap): %s.%n",
                    r.stats(job, "HEAP", 1).mean() >= 0.5 * plain.mean() ? "met" : "MISSED",
                    r.stats(job, "HEAP", 1).mean() / plain.mean(),
                    r.stats(job, "ROCKSDB", 1).mean() >= 0.25 * plain.mean() ? "met" : "MISSED",
                    r.stats(job, "ROCKSDB", 1).mean() / plain.mean(),
                    maxP < 2 ? "not measurable on one core"
                            : r.stats(job, "HEAP", 2).mean() >= 1.5 * r.stats(job, "HEAP", 1).mean() ? "met" : "MISSED"));
            md.append('\n');
        }
        md.append("## Charts\n\n");
        for (Path chart : charts) {
            md.append("![").append(chart.getFileName()).append("](").append(chart.getFileName()).append(")\n\n");
        }
        md.append("## Verdict\n\n");
        for (Job job : Job.values()) {
            double plain = r.stats(job, "plain", 1).mean();
            double bestFlink = 0;
            for (Backend b : Backend.values()) {
                for (int p = 1; p <= maxP; p++) {
                    bestFlink = Math.max(bestFlink, r.stats(job, b.name(), p).mean());
                }
            }
            md.append(String.format("- **%s**: one plain loop sustains about %,.0f events/s here", job.name().toLowerCase().replace('_', '-'), plain));
            if (eventRate > 0) {
                md.append(String.format(", %.0fx your %,.0f events/s", plain / eventRate, eventRate));
            }
            md.append(String.format("; Flink on this machine peaks at %,.0f events/s (%.2fx the loop). ", bestFlink, bestFlink / plain));
            md.append(plain > bestFlink
                    ? "On one machine, distribution buys no throughput: it buys checkpointed state, exactly-once output and"
                            + " recovery; throughput beyond the loop needs more machines.\n"
                    : "Flink's parallelism already beats one loop on this machine.\n");
        }
        md.append("\nNot measured by this command yet: end-to-end latency through Kafka against the checkpoint interval,"
                + " and recovery time after `kill -9` of a TaskManager (the chaos test in `cluster/control` prints"
                + " recovery times on every CI run).\n");
        return md.toString();
    }

    private static String row(String runner, int p, Results.Stats s, Results.Stats plain) {
        return String.format("| %s | %d | %,.0f ± %,.0f | %,.0f – %,.0f | %.2fx |%n", runner, p, s.mean(), s.stdev(), s.min(),
                s.max(), s.mean() / plain.mean());
    }
}
