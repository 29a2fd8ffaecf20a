package io.shopstream.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class EventTimeTest {

    private static final long T0 = Instant.parse("2025-11-27T10:00:00Z").toEpochMilli();

    /** Collects what a generator emits. */
    private static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        long last() {
            return watermarks.get(watermarks.size() - 1);
        }
    }

    @Test
    void boundedOutOfOrdernessTrailsTheNewestEventByTheBoundAndOneMillisecond() {
        var generator = new EventTime.FutureProofBoundedOutOfOrderness<String>(5_000, Duration.ofMinutes(10).toMillis());
        Recorder out = new Recorder();
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(Long.MIN_VALUE);
        generator.onEvent("a", T0, out);
        generator.onEvent("b", T0 - 3_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(T0 - 5_001);
    }

    @Test
    void anEventFromTheFarFutureDoesNotMoveTheWatermark() {
        var generator = new EventTime.FutureProofBoundedOutOfOrderness<String>(5_000, Duration.ofMinutes(10).toMillis());
        Recorder out = new Recorder();
        generator.onEvent("a", T0, out);
        generator.onEvent("bogus", Instant.parse("2099-12-31T00:00:00Z").toEpochMilli(), out);
        generator.onEvent("soon", System.currentTimeMillis() + Duration.ofMinutes(11).toMillis(), out);
        generator.onEvent("b", T0 + 1_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isEqualTo(T0 + 1_000 - 5_001);

        long now = System.currentTimeMillis();
        generator.onEvent("near", now + Duration.ofMinutes(9).toMillis(), out);
        generator.onPeriodicEmit(out);
        assertThat(out.last()).isGreaterThan(now);
    }

    @Test
    void theRuleIsStrictlyMoreThanTheMaximumAheadOfTheClock() {
        long now = T0;
        assertThat(EventTime.isFromTheFuture(now + 600_000, now, Duration.ofMinutes(10))).isFalse();
        assertThat(EventTime.isFromTheFuture(now + 600_001, now, Duration.ofMinutes(10))).isTrue();
    }
}
