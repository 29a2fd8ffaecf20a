package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The measurement command at toy size, so that it cannot rot: it runs and writes its report. */
class BenchSmokeTest {

    @Test
    void measuresAndWritesAReportWithCharts() throws Exception {
        Path out = Path.of("target/bench-smoke");
        BenchMain.main(new String[] {"--events", "3000", "--repeats", "1", "--max-parallelism", "2", "--out", out.toString(),
                "--event-rate", "500"});
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("## enrich", "## category-stats", "plain loop", "Flink, heap state", "Flink, rocksdb state",
                "## Verdict", "your 500 events/s");
        assertThat(out.resolve("throughput-enrich.png")).isNotEmptyFile();
        assertThat(out.resolve("throughput-category-stats.png")).isNotEmptyFile();
    }
}
