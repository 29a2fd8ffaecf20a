package io.shopstream.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.kafka.CombinedWatermark.Report;
import org.junit.jupiter.api.Test;

class CombinedWatermarkTest {

    @Test
    void theMinimumOverActiveReadersOnceEveryReaderHasReported() {
        CombinedWatermark c = new CombinedWatermark();
        assertThat(c.onReport(0, new Report(100, false, true), 2)).isEmpty();
        assertThat(c.value()).as("reader 1 not heard from").isEqualTo(Long.MIN_VALUE);
        assertThat(c.onReport(1, new Report(80, false, false), 2)).containsExactly(0);
        assertThat(c.value()).isEqualTo(80);
        assertThat(c.onReport(1, new Report(120, false, false), 2)).containsExactly(0);
        assertThat(c.value()).isEqualTo(100);
    }

    @Test
    void anIdleReaderIsLeftOutAndAllIdleGivesTheMaximum() {
        CombinedWatermark c = new CombinedWatermark();
        c.onReport(0, new Report(50, false, false), 2);
        c.onReport(1, new Report(90, false, false), 2);
        assertThat(c.value()).isEqualTo(50);
        c.onReport(0, new Report(50, true, true), 2);
        assertThat(c.value()).as("reader 0 idle: reader 1 alone").isEqualTo(90);
        c.onReport(1, new Report(95, true, true), 2);
        assertThat(c.value()).as("all idle: the highest").isEqualTo(95);
    }

    @Test
    void neverGoesBackAsDownstreamDoesNot() {
        CombinedWatermark c = new CombinedWatermark();
        c.onReport(0, new Report(50, true, true), 2);
        c.onReport(1, new Report(90, false, false), 2);
        assertThat(c.value()).isEqualTo(90);
        // Reader 0 comes back below: downstream keeps 90, and so does the combined watermark.
        assertThat(c.onReport(0, new Report(50, false, true), 2)).as("nothing new to send").isEmpty();
        assertThat(c.value()).isEqualTo(90);
    }

    @Test
    void aReaderThatStartsToWantItGetsTheCurrentValueAtOnce() {
        CombinedWatermark c = new CombinedWatermark();
        c.onReport(0, new Report(70, false, false), 2);
        c.onReport(1, new Report(60, false, false), 2);
        assertThat(c.onReport(1, new Report(60, false, true), 2)).containsExactly(1);
        assertThat(c.onReport(1, new Report(60, false, true), 2)).as("only once").isEmpty();
    }

    @Test
    void aRestartedReaderHoldsTheValueUntilItReports() {
        CombinedWatermark c = new CombinedWatermark();
        c.onReport(0, new Report(70, false, true), 2);
        c.onReport(1, new Report(60, false, false), 2);
        c.readerStarted(1);
        assertThat(c.onReport(0, new Report(200, false, true), 2)).isEmpty();
        assertThat(c.value()).isEqualTo(60);
        assertThat(c.onReport(1, new Report(150, false, false), 2)).containsExactly(0);
        assertThat(c.value()).isEqualTo(150);
    }
}
