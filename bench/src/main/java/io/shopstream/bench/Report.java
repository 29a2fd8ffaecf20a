package io.shopstream.bench;

import io.shopstream.bench.BenchMain.Options;
import io.shopstream.bench.Measurements.Backend;
import io.shopstream.common.job.ShopJob;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.flink.util.TimeUtils;

/**
 * The Markdown report: machine, every figure with its spread, charts, targets, your event rate, a
 * verdict, and the local-cluster measurement when its {@code cluster.md} is there.
 */
final class Report {

    private Report() {}

    /**
     * {@code topicRate} is null unless a topic was sampled; {@code clusterMd} is the content of
     * {@code cluster.md} in the output directory, or null.
     */
    static String markdown(Options o, Results r, List<Path> charts, TopicRate.Measured topicRate, String clusterMd) {
        int maxP = o.maxParallelism();
        StringBuilder md = new StringBuilder();
        md.append("# Do we need distributed stream processing? Measured here\n\n");
        md.append("Machine: ").append(BenchMain.machine()).append("\n\n");
        md.append("Command: `bin/shopstream-bench ").append(o.args()).append("`. Workload: ")
                .append(String.format("%,d", o.events()))
                .append(" generated events (seed 42) with their payments, replayed from memory; each figure is the mean of ")
                .append(o.repeats())
                .append(" runs with its standard deviation and range, after one uncounted warm-up pass of each"
                        + " runner (JIT). Each run lasts at least ")
                .append(TimeUtils.formatWithHighestUnit(o.minPass()))
                .append(" of measured processing: rounds over the workload back to back, each checked, until their"
                        + " measured time adds up to that; the figure is the inputs of every round over their measured"
                        + " time (the column \"measured per figure\" shows the spread of that time and the rounds)."
                        + " Flink runs on a local MiniCluster with the jobs' own Flink settings and"
                        + " checkpoints every second, from an in-memory source to a discarding sink, outputs serialized"
                        + " to JSON, timed from the first record read to the last output written (the job's start-up"
                        + " and shut-down excluded); the plain loop parses, processes and serializes the same records in"
                        + " one thread. Every Flink round is one job, checked against the plain loop's outputs (their"
                        + " count and an order-independent checksum, see `OutputTally`): a round that lost, duplicated or"
                        + " still held outputs at the end of its input would stop the command. Cores busy: this"
                        + " process's CPU time over the same span divided by its length, every thread counted (Flink's"
                        + " tasks, RocksDB's flushes and compactions, GC, JIT); this machine"
                        + " has " + Runtime.getRuntime().availableProcessors() + ". A runner that already keeps every core"
                        + " busy at parallelism 1 cannot gain from parallelism 2 on this machine.\n\n");
        md.append(yourEventRate(o, topicRate)).append("\n\n");
        for (ShopJob job : o.jobs()) {
            Results.Stats plain = r.stats(job, "plain", 1);
            md.append("## ").append(job.name()).append("\n\n");
            md.append(String.format("Input per pass: %,d %s; events/s counts these.%n%n", r.input(job), Measurements.INPUTS.get(job)));
            md.append("| runner | parallelism | events/s (mean ± sd) | range | vs plain loop | measured per figure | cores busy |\n"
                    + "|---|---|---|---|---|---|---|\n");
            md.append(row("plain loop", 1, plain, plain, r.lengths(job, "plain", 1), r.coresBusy(job, "plain", 1)));
            for (Backend b : Backend.values()) {
                for (int p = 1; p <= maxP; p++) {
                    md.append(row("Flink, " + lower(b) + " state", p, r.stats(job, b.name(), p), plain,
                            r.lengths(job, b.name(), p), r.coresBusy(job, b.name(), p)));
                }
            }
            md.append('\n');
            for (Backend b : Backend.values()) {
                double p1 = r.stats(job, b.name(), 1).mean();
                double pn = r.stats(job, b.name(), maxP).mean();
                md.append(String.format("- %s state: parallelism %d gives %.2fx parallelism 1 (scaling efficiency %.0f%%).%n",
                        lower(b), maxP, pn / p1, 100 * pn / p1 / maxP));
            }
            md.append(String.format("- Targets: Flink p=1 heap >= 0.8x plain: %s (%.2fx); RocksDB >= 0.4x: %s (%.2fx);"
                            + " p=2 >= 1.5x p=1 (heap): %s.%n",
                    r.stats(job, "HEAP", 1).mean() >= 0.8 * plain.mean() ? "met" : "MISSED",
                    r.stats(job, "HEAP", 1).mean() / plain.mean(),
                    r.stats(job, "ROCKSDB", 1).mean() >= 0.4 * plain.mean() ? "met" : "MISSED",
                    r.stats(job, "ROCKSDB", 1).mean() / plain.mean(),
                    maxP < 2 ? "not measured (--max-parallelism 1)"
                            : r.stats(job, "HEAP", 2).mean() >= 1.5 * r.stats(job, "HEAP", 1).mean() ? "met"
                            : "MISSED" + busyAtOne(r.coresBusy(job, "HEAP", 1))));
            md.append('\n');
        }
        md.append("Why a target is missed on a 2-core machine, what the profiles showed and what each change to the"
                + " jobs did: `docs/benchmark/tuning.md` in the ShopStream repository.\n\n");
        md.append("## Charts\n\n");
        for (Path chart : charts) {
            md.append("![").append(chart.getFileName()).append("](").append(chart.getFileName()).append(")\n\n");
        }
        md.append("## Verdict\n\n");
        double eventRate = verdictRate(o, topicRate);
        boolean measuredRateUsed = o.eventRate() <= 0 && topicRate != null;
        for (ShopJob job : o.jobs()) {
            Results.Stats plainStats = r.stats(job, "plain", 1);
            double plain = plainStats.mean();
            Results.Stats best = null;
            for (Backend b : Backend.values()) {
                for (int p = 1; p <= maxP; p++) {
                    Results.Stats s = r.stats(job, b.name(), p);
                    if (best == null || s.mean() > best.mean()) {
                        best = s;
                    }
                }
            }
            double bestFlink = best.mean();
            md.append(String.format("- **%s**: one plain loop sustains about %,.0f events/s here", job.name(), plain));
            if (eventRate > 0) {
                md.append(String.format(", %.0fx your %,.0f events/s", plain / eventRate, eventRate));
                if (measuredRateUsed && topicRate.peakPerSecond() > 0) {
                    md.append(String.format(" (%.0fx your peak second)", plain / topicRate.peakPerSecond()));
                }
            }
            md.append(String.format("; Flink on this machine peaks at %,.0f events/s (%.2fx the loop). ", bestFlink, bestFlink / plain));
            // "Faster" only when the ranges of the repeated runs do not overlap.
            if (best.min() > plainStats.max()) {
                md.append("Flink is faster than one loop on this machine (their ranges do not overlap).\n");
            } else if (best.max() < plainStats.min()) {
                md.append("The loop is faster: on one machine, distribution buys no throughput; it buys checkpointed"
                        + " state, exactly-once output and recovery, and throughput beyond the loop needs more machines.\n");
            } else {
                md.append("The two are the same within noise (their ranges overlap): on one machine, distribution buys"
                        + " checkpointed state, exactly-once output and recovery, not throughput.\n");
            }
        }
        if (clusterMd != null) {
            // Verbatim; it brings its own heading when it has one (the cluster measurement's does).
            md.append('\n');
            if (!clusterMd.startsWith("#")) {
                md.append("## On the local cluster (cluster.md)\n\n");
            }
            md.append(clusterMd);
            if (!clusterMd.endsWith("\n")) {
                md.append('\n');
            }
        } else {
            md.append("\nNot measured by this command: end-to-end latency through Kafka against the checkpoint interval,"
                    + " and recovery time after `kill -9` of a TaskManager (the chaos test in `cluster/control` prints"
                    + " recovery times on every test run). A `cluster.md` in the output directory, from the local-cluster"
                    + " measurement, is included here when present.\n");
        }
        return md.toString();
    }

    /** The rate the verdict sets against the ceilings: {@code --event-rate} if given, else the topic's mean. */
    static double verdictRate(Options o, TopicRate.Measured topicRate) {
        if (o.eventRate() > 0) {
            return o.eventRate();
        }
        return topicRate == null ? 0 : topicRate.meanPerSecond();
    }

    private static String yourEventRate(Options o, TopicRate.Measured t) {
        if (t == null) {
            return o.eventRate() > 0
                    ? String.format("Your event rate: %,.0f events/s (`--event-rate`).", o.eventRate())
                    : "Your event rate: not given (`--event-rate R`, or `--rate-bootstrap-servers` with `--rate-topic` to"
                            + " measure a topic).";
        }
        String measured = String.format("Your event rate: %,.0f records/s mean, %,.0f records/s peak (highest one-second"
                        + " rate), %,d records in %.0f s, measured on topic `%s` at %s (window %s; summed read_committed"
                        + " end offsets, sampled every second, before the throughput runs).",
                t.meanPerSecond(), t.peakPerSecond(), t.records(), t.seconds(), t.topic(), t.bootstrapServers(),
                TimeUtils.formatWithHighestUnit(t.window()));
        if (o.eventRate() > 0) {
            return measured + String.format(" The verdict uses `--event-rate %,.0f` instead: when both are given,"
                    + " `--event-rate` wins.", o.eventRate());
        }
        return measured + (t.meanPerSecond() > 0 ? " The verdict uses the mean."
                : " The topic received nothing during the window, so the verdict sets no rate against the ceilings.");
    }

    private static String lower(Backend b) {
        return b.name().toLowerCase(Locale.ROOT);
    }

    private static String row(String runner, int p, Results.Stats s, Results.Stats plain, String lengths, double cores) {
        return String.format("| %s | %d | %,.0f ± %,.0f | %,.0f – %,.0f | %.2fx | %s | %s |%n", runner, p, s.mean(),
                s.stdev(), s.min(), s.max(), s.mean() / plain.mean(), lengths,
                Double.isNaN(cores) ? "–" : String.format("%.1f", cores));
    }

    /** Why parallelism 2 could not help, when parallelism 1 already used (nearly) the whole machine. */
    private static String busyAtOne(double cores) {
        int available = Runtime.getRuntime().availableProcessors();
        return Double.isNaN(cores) ? ""
                : String.format(" (at parallelism 1 this runner already kept %.1f of the %d cores busy)", cores, available);
    }
}
