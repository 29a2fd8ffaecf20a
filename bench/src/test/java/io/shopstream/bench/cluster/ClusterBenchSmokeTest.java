package io.shopstream.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The cluster benchmark end to end at a tiny size, on a real local cluster: it must write its
 * report and chart and find enrich's output exactly equal to PlainEnrich's after the kill. The
 * timing figures are printed, not asserted: a shared CI machine makes them noisy.
 */
class ClusterBenchSmokeTest {

    @Test
    void measuresThroughputLatencyAndRecoveryAndFindsTheOutputExact() throws Exception {
        Path out = Path.of("target/bench-smoke").toAbsolutePath();
        RecoveryRun run = (RecoveryRun) ClusterBench.measure(ClusterBenchOptions.parse("--events", "6000", "--rate", "1000",
                "--checkpoint-interval", "1s", "--home", Path.of("target/bench-cluster-smoke").toAbsolutePath().toString(),
                "--out", out.toString()));

        assertThat(run.check().exact()).as(run.checkResult()).isTrue();
        assertThat(run.check().expected()).isEqualTo(6000);
        assertThat(run.check().actual()).isEqualTo(6000);
        assertThat(run.check().missing()).isZero();
        assertThat(run.check().unexpected()).isZero();
        assertThat(run.timeline().visible()).isEqualTo(6000);
        // The kill hit enrich, which restarted from a checkpoint and delivered every earlier event.
        assertThat(run.recovery().victimSubtasks()).as("enrich's subtasks on the killed TaskManager").isPositive();
        assertThat(run.checkpoints().restoredFrom()).as("the checkpoint enrich restored").isPositive();
        assertThat(run.caughtUpS()).as("seconds until every event sent before the kill was visible").isNotNaN();
        assertThat(run.recovery().runningAt()).isGreaterThanOrEqualTo(run.recovery().detectedAt());

        String md = Files.readString(out.resolve("cluster.md"));
        assertThat(md).startsWith("## End to end through Kafka, and recovery on this machine\n");
        assertThat(md).contains(
                "**Cluster.**", "**Load.**", "checkpoint interval **1 s**", "| steady state: sent from ", "s (after the feed's first 3 checkpoints), visible before the kill |",
                "| whole run, the recovery included |", "Latency is dominated by the checkpoint interval",
                "**Recovery.**", "| failure detected", "| every subtask RUNNING again", "| output caught up",
                "**Target check:** kill -9 to RUNNING <= 5 s with a standby TaskManager: ",
                "; output caught up within 10 s: ", "; zero loss and duplicates: met.",
                "**No loss, no duplicates:** passed (expected 6,000 enriched records, found 6,000: 0 missing, 0 unexpected;"
                        + " per-customer order kept;",
                "![output records visible per second and latency around the kill](recovery-timeline.png)");

        Path png = out.resolve("recovery-timeline.png");
        assertThat(png).isRegularFile();
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(1000);
        assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void unknownOptionsAndBadValuesFailBeforeAnyWork() {
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--event", "3000"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown option 'event': did you mean 'events'?");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--events"))
                .hasMessageContaining("Missing value after '--events'");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--rate", "-5"))
                .hasMessageContaining("Option 'rate' must be a number above 0, got '-5.0'");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--checkpoint-interval", "soon"))
                .hasMessageContaining("Invalid value 'soon' for 'checkpoint-interval'");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--checkpoint-interval", "5 ms"))
                .hasMessageContaining("Option 'checkpoint-interval' must be at least 10 ms, got 5 ms");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--parallelism", "5"))
                .hasMessageContaining("Option 'parallelism' must be a whole number from 1 to 4, got 5");
        assertThat(ClusterBenchOptions.parse("--checkpoint-interval", "500 ms").checkpointInterval().toMillis()).isEqualTo(500);
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--scenario", "sideways"))
                .hasMessageContaining("Option 'scenario' must be recovery or ceiling, got 'sideways'");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("--scenario", "ceiling", "--rate", "5000"))
                .hasMessageContaining("Option 'rate' applies to --scenario recovery");
        assertThatThrownBy(() -> ClusterBenchOptions.parse("recovery"))
                .hasMessageContaining("Unexpected argument 'recovery'");
        assertThat(ClusterBenchOptions.parse("--scenario", "ceiling").ceiling()).isTrue();
        assertThat(ClusterBenchOptions.parse().ceiling()).isFalse();
        assertThat(ClusterBenchOptions.usage()).contains("--scenario", "--events", "--rate", "--checkpoint-interval",
                "--parallelism", "--out", "--home");
    }
}
