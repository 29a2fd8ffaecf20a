package io.shopstream.cluster.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Run run = ClusterBench.run(ClusterBench.Options.parse("--events", "6000", "--rate", "1000",
                "--checkpoint-interval", "1s", "--home", Path.of("target/bench-cluster-smoke").toAbsolutePath().toString(),
                "--out", out.toString()));

        assertThat(run.check().exact()).as(run.checkResult()).isTrue();
        assertThat(run.check().expected()).isEqualTo(6000);
        assertThat(run.check().actual()).isEqualTo(6000);
        assertThat(run.check().missing()).isZero();
        assertThat(run.check().unexpected()).isZero();
        assertThat(run.timeline().visible()).isEqualTo(6000);
        assertThat(run.recovery().detectedAt()).isGreaterThan(run.recovery().killedAt());
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
        assertThatThrownBy(() -> ClusterBench.Options.parse("--event", "3000"))
                .hasMessageContaining("Unknown option --event")
                .hasMessageContaining("valid options: --scenario, --events, --rate, --checkpoint-interval, --parallelism, --out, --home");
        assertThatThrownBy(() -> ClusterBench.Options.parse("--events"))
                .hasMessageContaining("--events needs a value");
        assertThatThrownBy(() -> ClusterBench.Options.parse("--rate", "-5"))
                .hasMessageContaining("--rate must be a number above 0, got -5");
        assertThatThrownBy(() -> ClusterBench.Options.parse("--checkpoint-interval", "soon"))
                .hasMessageContaining("--checkpoint-interval must be a duration");
        assertThatThrownBy(() -> ClusterBench.Options.parse("--parallelism", "5"))
                .hasMessageContaining("--parallelism must be a whole number from 1 to 4, got 5");
        assertThat(ClusterBench.Options.parse("--checkpoint-interval", "500 ms").checkpointInterval().toMillis()).isEqualTo(500);
        assertThatThrownBy(() -> ClusterBench.Options.parse("--scenario", "sideways"))
                .hasMessageContaining("--scenario must be recovery or ceiling, got sideways");
        assertThatThrownBy(() -> ClusterBench.Options.parse("--scenario", "ceiling", "--rate", "5000"))
                .hasMessageContaining("--rate applies to --scenario recovery");
        assertThat(ClusterBench.Options.parse("--scenario", "ceiling").ceiling()).isTrue();
        assertThat(ClusterBench.Options.parse().ceiling()).isFalse();
    }
}
