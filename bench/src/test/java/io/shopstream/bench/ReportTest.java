package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.bench.BenchMain.Options;
import io.shopstream.bench.Measurements.Backend;
import io.shopstream.common.job.ShopJob;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's event rate line, verdict rate and cluster section, from fixed figures. */
class ReportTest {

    private static final TopicRate.Measured TOPIC =
            new TopicRate.Measured("broker:9092", "shop.events", Duration.ofSeconds(30), 30.0, 60_000, 2_000, 3_500);

    @Test
    void everyJobGetsItsTableAtEveryParallelism() {
        String md = Report.markdown(Options.parse("--max-parallelism", "2"), results(2), List.of(), null, null);
        for (ShopJob job : SuiteJobs.ALL) {
            assertThat(md).contains("## " + job.name() + "\n");
        }
        assertThat(count(md, "| Flink, heap state | 2 | 60,000 ± 0 |")).isEqualTo(4);
        assertThat(count(md, "- heap state: parallelism 2 gives 1.50x parallelism 1 (scaling efficiency 75%)")).isEqualTo(4);
        assertThat(md).contains("p=2 >= 1.5x p=1 (heap): met.");
        assertThat(md).contains("`docs/benchmark/tuning.md`");
    }

    @Test
    void coresBusyAreReportedAndExplainAMissedScalingTarget() {
        Results r = new Results();
        for (ShopJob job : SuiteJobs.ALL) {
            r.input(job, 1_000);
            r.add(job, "plain", 1, new Measurements.Run(100_000, 1.02));
            for (Backend b : Backend.values()) {
                r.add(job, b.name(), 1, new Measurements.Run(50_000, 1.9));
                r.add(job, b.name(), 2, new Measurements.Run(60_000, 2.0));
            }
        }
        String md = Report.markdown(Options.parse("--max-parallelism", "2"), r, List.of(), null, null);
        assertThat(count(md, "| plain loop | 1 | 100,000 ± 0 | 100,000 – 100,000 | 1.00x | – | 1.0 |")).isEqualTo(4);
        assertThat(count(md, "| Flink, heap state | 1 | 50,000 ± 0 | 50,000 – 50,000 | 0.50x | – | 1.9 |")).isEqualTo(4);
        assertThat(md).contains("p=2 >= 1.5x p=1 (heap): MISSED (at parallelism 1 this runner already kept 1.9 of the "
                + Runtime.getRuntime().availableProcessors() + " cores busy).");
        // Without CPU figures the column shows a dash.
        assertThat(Report.markdown(Options.parse("--max-parallelism", "2"), results(2), List.of(), null, null))
                .contains("| 1.00x | – |");
    }

    @Test
    void everyFigureShowsHowLongItsMeasurementWasAndInHowManyRounds() {
        Results r = results(1);
        ShopJob enrich = SuiteJobs.ALL.get(0);
        r.add(enrich, "HEAP", 2, new Measurements.Run(40_000, 1.5, null, 10.04, 4));
        r.add(enrich, "HEAP", 2, new Measurements.Run(44_000, 1.5, null, 12.96, 3));
        r.add(enrich, "ROCKSDB", 2, new Measurements.Run(20_000, 1.5, null, 21.0, 1));
        r.add(enrich, "ROCKSDB", 2, new Measurements.Run(20_000, 1.5, null, 21.04, 1));
        for (ShopJob job : SuiteJobs.ALL.subList(1, SuiteJobs.ALL.size())) {
            r.add(job, "HEAP", 2, 60_000);
            r.add(job, "ROCKSDB", 2, 30_000);
        }
        String md = Report.markdown(Options.parse("--max-parallelism", "2", "--min-pass", "10s"), r, List.of(), null, null);
        assertThat(md).contains("| Flink, heap state | 2 | 42,000 ± 2,828 | 40,000 – 44,000 | 0.42x | 10.0 – 13.0 s, 3 – 4 rounds"
                + " | 1.5 |");
        assertThat(md).contains("| Flink, rocksdb state | 2 | 20,000 ± 0 | 20,000 – 20,000 | 0.20x | 21.0 s, 1 round | 1.5 |");
        assertThat(md).contains("Each run lasts at least 10 s of measured processing");
    }

    @Test
    void aMeasuredTopicRateIsReportedAndUsedForTheVerdict() {
        String md = Report.markdown(Options.parse("--max-parallelism", "1"), results(1), List.of(), TOPIC, null);
        assertThat(md).contains("Your event rate: 2,000 records/s mean, 3,500 records/s peak (highest one-second rate),"
                + " 60,000 records in 30 s, measured on topic `shop.events` at broker:9092 (window 30 s;");
        assertThat(md).contains("The verdict uses the mean.");
        // plain loop 100,000 events/s against 2,000 mean and 3,500 peak
        assertThat(md).contains("- **payments**: one plain loop sustains about 100,000 events/s here, 50x your 2,000 events/s"
                + " (29x your peak second);");
    }

    @Test
    void aGivenEventRateWinsOverTheMeasuredOneAndTheReportSaysSo() {
        Options o = Options.parse("--max-parallelism", "1", "--event-rate", "500");
        String md = Report.markdown(o, results(1), List.of(), TOPIC, null);
        assertThat(Report.verdictRate(o, TOPIC)).isEqualTo(500);
        assertThat(md).contains("measured on topic `shop.events`",
                "The verdict uses `--event-rate 500` instead: when both are given, `--event-rate` wins.");
        assertThat(md).contains("- **enrich**: one plain loop sustains about 100,000 events/s here, 200x your 500 events/s;");
        assertThat(md).doesNotContain("your peak second");
    }

    @Test
    void clusterMdIsIncludedVerbatimAndReplacesTheNotMeasuredNote() {
        String cluster = "End-to-end latency p99: 1.2 s\n\n| job | recovery |\n|---|---|\n| enrich | 14 s |\n";
        String with = Report.markdown(Options.parse("--max-parallelism", "1"), results(1), List.of(Path.of("x.png")), null,
                cluster);
        assertThat(with).endsWith("\n## On the local cluster (cluster.md)\n\n" + cluster);
        assertThat(with).doesNotContain("Not measured by this command");

        String headed = "## End to end through Kafka, and recovery on this machine\n\nRecovery: 14 s\n";
        String withHeading = Report.markdown(Options.parse("--max-parallelism", "1"), results(1), List.of(), null, headed);
        assertThat(withHeading).endsWith("\n\n" + headed).doesNotContain("## On the local cluster", "Not measured by");

        String without = Report.markdown(Options.parse("--max-parallelism", "1"), results(1), List.of(), null, null);
        assertThat(without).doesNotContain("## On the local cluster");
        assertThat(without).contains("Not measured by this command: end-to-end latency through Kafka");
        assertThat(without).contains("Your event rate: not given");
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /**
     * Every job: plain loop 100,000 events/s; Flink 40,000 (heap) and 20,000 (RocksDB) at p = 1,
     * 1.5 times that at p = 2.
     */
    private static Results results(int maxParallelism) {
        Results r = new Results();
        for (ShopJob job : SuiteJobs.ALL) {
            r.input(job, 1000);
            r.add(job, "plain", 1, 100_000);
            for (int p = 1; p <= maxParallelism; p++) {
                r.add(job, Backend.HEAP.name(), p, 40_000 * (p == 1 ? 1 : 1.5));
                r.add(job, Backend.ROCKSDB.name(), p, 20_000 * (p == 1 ? 1 : 1.5));
            }
        }
        return r;
    }
}
