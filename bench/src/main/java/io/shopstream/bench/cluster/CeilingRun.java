package io.shopstream.bench.cluster;

import io.shopstream.cluster.FlinkRest.CheckpointStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.util.TimeUtils;

/**
 * One backlog-ceiling measurement ({@code --scenario ceiling}): enrich on the local cluster
 * catching up a backlog through Kafka, exactly-once, against PlainEnrich doing the same pass Kafka
 * to Kafka on one thread.
 */
record CeilingRun(ClusterBenchOptions options, Duration minPause, String machine, String jobId, Timeline.Window flink,
        double flinkSecondHalf, double sentS, long plainEnriched, double plainS, double plainSecondHalf,
        CheckpointStats checkpoints, OutputCheck check)
        implements ClusterBench.Outcome {

    static final String MARKDOWN = "cluster-ceiling.md";
    static final String HEADING = "## Catching up a backlog through Kafka, on this machine";
    /** PlainEnrich's output topics: the contract's names with this prefix, so enrich's stay its own. */
    static final String PLAIN_PREFIX = "bench.plain.";

    double plainPerSecond() {
        return plainEnriched / plainS;
    }

    static void write(CeilingRun c) throws IOException {
        Path out = c.options().out();
        Files.createDirectories(out);
        Files.writeString(out.resolve(MARKDOWN), c.markdown());
        System.out.println("Wrote " + out.resolve(MARKDOWN).toAbsolutePath());
    }

    String markdown() {
        ClusterBenchOptions o = options;
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append(String.format("`%s`, on %s.%n%n", o.commandLine(), machine));
        md.append(String.format("The local cluster of the recovery measurement (one Kafka broker, a JobManager, %d"
                        + " TaskManagers with %d slots, each its own JVM, `flink-conf/`: RocksDB, incremental checkpoints)."
                        + " `enrich` submitted with `flink run -p %d`, exactly-once sinks, checkpoint interval %s (min pause"
                        + " %s). Its reference data was loaded and read first; then one producer (acks=all, idempotent)"
                        + " sent all %,d events as fast as it could, in %.1f s (%,.0f events/s), far faster than enrich"
                        + " reads: enrich caught up a backlog. No unknown references, duplicates or malformed records.%n%n",
                ClusterBenchOptions.TASK_MANAGERS, ClusterBenchOptions.SLOTS_PER_TASK_MANAGER, o.parallelism(),
                TimeUtils.formatWithHighestUnit(o.checkpointInterval()), TimeUtils.formatWithHighestUnit(minPause),
                o.events(), sentS, o.events() / sentS));
        md.append("| pass | enriched records | seconds | records/s |\n|---|---:|---:|---:|\n");
        md.append(String.format("| enrich on the cluster, p=%d, exactly-once: first send to last record visible (read_committed)"
                + " | %,d | %.1f | **%,.0f** |%n", o.parallelism(), flink.records(), flink.records() / flink.throughputPerSecond(),
                flink.throughputPerSecond()));
        md.append(String.format("| PlainEnrich, one thread, Kafka to Kafka (idempotent producer, no transactions): start to"
                + " last record acknowledged | %,d | %.1f | **%,.0f** |%n%n", plainEnriched, plainS, plainPerSecond()));
        md.append(String.format("Over the second half of each output (from half the records to the last; warm JVMs, the"
                        + " first checkpoint behind): enrich **%,.0f** records/s, PlainEnrich **%,.0f** (handed to the"
                        + " producer from its halfway record to the close), enrich / PlainEnrich **%.2fx**. The whole pass"
                        + " includes enrich's first checkpoint and its TaskManager compiling the job's code (a fresh JVM"
                        + " per TaskManager; the JIT compiler's thread took as much CPU as the enrich task in the first"
                        + " seconds).%n%n", flinkSecondHalf, plainSecondHalf, flinkSecondHalf / plainSecondHalf));
        md.append(String.format("enrich / PlainEnrich: **%.2fx**. enrich completed %d checkpoints (mean %,.0f ms)."
                        + " Compare with the in-memory figures of the same job above (`bin/shopstream-bench`): the difference"
                        + " is the cost of Kafka, the exactly-once sinks and the cluster's processes. Everything shares this"
                        + " machine's %d cores: while enrich catches up, the broker and this command's own reader of the"
                        + " output use cores too, while PlainEnrich runs with the enrich job idle.%n%n",
                flink.throughputPerSecond() / plainPerSecond(), checkpoints.completed(), checkpoints.meanDurationMs(),
                Runtime.getRuntime().availableProcessors()));
        md.append("**No loss, no duplicates:** ").append(check.summary())
                .append(". Compared record for record with what `PlainEnrich` computes from the same topics.\n");
        return md.toString();
    }

    void printSummary(PrintStream out) {
        out.printf("enrich on the cluster (p=%d, exactly-once): %,d records in %.1f s, %,.0f records/s%n",
                options.parallelism(), flink.records(), flink.records() / flink.throughputPerSecond(),
                flink.throughputPerSecond());
        out.printf("PlainEnrich, Kafka to Kafka: %,d records in %.1f s, %,.0f records/s (enrich / plain %.2fx)%n",
                plainEnriched, plainS, plainPerSecond(), flink.throughputPerSecond() / plainPerSecond());
        out.printf("Second half of each output: enrich %,.0f records/s, PlainEnrich %,.0f (%.2fx)%n", flinkSecondHalf,
                plainSecondHalf, flinkSecondHalf / plainSecondHalf);
        out.println("No loss, no duplicates: " + check.summary());
    }
}
