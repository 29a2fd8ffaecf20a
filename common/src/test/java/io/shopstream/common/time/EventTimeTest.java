package io.shopstream.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.clock.ManualClock;
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

    private static EventTime.IdleAwarePartitionWatermarks<String> partition(ManualClock clock) {
        return new EventTime.IdleAwarePartitionWatermarks<>(
                new EventTime.FutureProofBoundedOutOfOrderness<>(5_000, Duration.ofMinutes(10).toMillis()), 1_000, clock);
    }

    @Test
    void aNewPartitionHoldsTheWatermarkForTheIdleTimeoutBeforeMovingItForward() {
        ManualClock clock = new ManualClock(0);
        var generator = partition(clock);
        Recorder out = new Recorder();
        generator.onEvent("a", T0 + 10_000, out);
        generator.onPeriodicEmit(out);
        clock.advanceTime(Duration.ofMillis(999));
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("joined, holding the watermark").isEmpty();
        clock.advanceTime(Duration.ofMillis(1));
        generator.onEvent("b", T0 + 12_000, out);
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).containsExactly("6999");
    }

    @Test
    void aPartitionBackFromIdleHoldsTheWatermarkForTheIdleTimeoutBeforeMovingItForward() {
        ManualClock clock = new ManualClock(0);
        var generator = partition(clock);
        Recorder out = new Recorder();
        generator.onEvent("a", T0 + 10_000, out);
        clock.advanceTime(Duration.ofMillis(600));
        generator.onEvent("a2", T0 + 10_000, out);
        clock.advanceTime(Duration.ofMillis(400));
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).containsExactly("4999");

        clock.advanceTime(Duration.ofMillis(599));
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("not idle before the timeout").containsExactly("4999");
        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(out);
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("idle once, at the timeout").containsExactly("idle");

        // Back: active at once (holding the old watermark), but no newer watermark during the grace.
        clock.advanceTime(Duration.ofSeconds(60));
        generator.onEvent("b", T0 + 90_000, out);
        assertThat(out.drain()).containsExactly("active");
        clock.advanceTime(Duration.ofMillis(500));
        generator.onEvent("c", T0 + 95_000, out);
        generator.onPeriodicEmit(out);
        clock.advanceTime(Duration.ofMillis(499));
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).isEmpty();
        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(out);
        assertThat(out.drain()).as("after the grace, the newest event minus the bound").containsExactly("89999");
    }

    @Test
    void aQuietPartitionEmitsItsWatermarkThenGoesIdleAndABusyOneNeverDoes() {
        ManualClock clock = new ManualClock(0);
        var quiet = partition(clock);
        var busy = partition(clock);
        Recorder quietOut = new Recorder();
        Recorder busyOut = new Recorder();
        quiet.onEvent("only", T0, quietOut);
        for (int i = 0; i < 30; i++) {
            busy.onEvent("e" + i, T0 + i * 1_000L, busyOut);
            clock.advanceTime(Duration.ofMillis(200));
            quiet.onPeriodicEmit(quietOut);
            busy.onPeriodicEmit(busyOut);
        }
        assertThat(quietOut.drain()).as("held during the grace, its watermark once, then idle once")
                .containsExactly("-5001", "idle");
        assertThat(busyOut.drain()).as("held during the grace, then every 200 ms").doesNotContain("idle", "active").hasSize(26);
        assertThat(busyOut.last()).isEqualTo(T0 + 29_000 - 5_001);
    }
}
