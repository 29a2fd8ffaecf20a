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

    /** Collects what a generator emits; {@code "idle"}/{@code "active"} and watermarks in order. */
    private static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
            calls.add(watermark.getTimestamp() == Long.MIN_VALUE ? "MIN" : String.valueOf(watermark.getTimestamp() - T0));
        }

        @Override
        public void markIdle() {
            calls.add("idle");
        }

        @Override
        public void markActive() {
            calls.add("active");
        }

        List<String> drain() {
            List<String> c = new ArrayList<>(calls);
            calls.clear();
            return c;
        }

        long last() {
            return watermarks.get(watermarks.size() - 1);
        }
    }

    @Test
    void theWatermarkTrailsTheNewestEventByTheBoundAndMovesAtTheEventThatRaisesIt() {
        var generator = new EventTime.OnEventWatermarks<String>(new EventTime.PartitionWatermark(Duration.ofSeconds(5), Duration.ofMinutes(10)));
        Recorder out = new Recorder();
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("before its first event a partition holds the watermark back").isEmpty();
        generator.onEvent("a", T0, out);
        assertThat(out.drain()).containsExactly("-5001");
        generator.onEvent("b", T0 - 3_000, out);
        generator.onEvent("c", T0, out);
        assertThat(out.drain()).as("an event that does not raise the newest time moves nothing").isEmpty();
        generator.onEvent("d", T0 + 2_000, out);
        assertThat(out.drain()).containsExactly("-3001");
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("nothing on the wall clock's period, not even the same watermark again").isEmpty();
    }

    @Test
    void aDeadLetterNeverMovesTheWatermark() {
        var generator = new EventTime.OnEventWatermarks<String>(new EventTime.PartitionWatermark(Duration.ofSeconds(5), Duration.ofMinutes(10)));
        Recorder out = new Recorder();
        generator.onEvent("dead letter", Long.MIN_VALUE, out);
        assertThat(out.drain()).isEmpty();
    }

    @Test
    void anEventFromTheFarFutureDoesNotMoveTheWatermark() {
        var generator = new EventTime.OnEventWatermarks<String>(new EventTime.PartitionWatermark(Duration.ofSeconds(5), Duration.ofMinutes(10)));
        Recorder out = new Recorder();
        generator.onEvent("a", T0, out);
        generator.onEvent("bogus", Instant.parse("2099-12-31T00:00:00Z").toEpochMilli(), out);
        generator.onEvent("soon", System.currentTimeMillis() + Duration.ofMinutes(11).toMillis(), out);
        generator.onEvent("b", T0 + 1_000, out);
        assertThat(out.drain()).containsExactly("-5001", "-4001");

        long now = System.currentTimeMillis();
        generator.onEvent("near", now + Duration.ofMinutes(9).toMillis(), out);
        assertThat(out.last()).isGreaterThan(now);
    }

    @Test
    void theRuleIsStrictlyMoreThanTheMaximumAheadOfTheClock() {
        long now = T0;
        assertThat(EventTime.isFromTheFuture(now + 600_000, now, Duration.ofMinutes(10))).isFalse();
        assertThat(EventTime.isFromTheFuture(now + 600_001, now, Duration.ofMinutes(10))).isTrue();
    }
}
