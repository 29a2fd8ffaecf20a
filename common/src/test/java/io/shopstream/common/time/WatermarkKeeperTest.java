package io.shopstream.common.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class WatermarkKeeperTest {

    private static final int MAX_PARALLELISM = 128;

    private static OneInputStreamOperatorTestHarness<String, String> harness(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new WatermarkKeeper<String>(), MAX_PARALLELISM, parallelism, subtask);
    }

    private static OneInputStreamOperatorTestHarness<String, String> running(OperatorSubtaskState restoreFrom)
            throws Exception {
        OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0);
        h.setup();
        h.initializeState(restoreFrom);
        h.open();
        return h;
    }

    private static List<Object> drain(OneInputStreamOperatorTestHarness<String, String> h) {
        List<Object> out = new ArrayList<>(h.getOutput());
        h.getOutput().clear();
        return out;
    }

    @Test
    void forwardsRecordsAndRisingWatermarksAndSwallowsLowerOnes() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processElement("a", 100);
            h.processWatermark(1_000);
            h.processWatermark(900);
            h.processElement("b", 950);
            h.processWatermark(1_000);
            h.processWatermark(1_500);
            assertThat(drain(h))
                    .containsExactly(
                            new StreamRecord<>("a", 100), new Watermark(1_000), new StreamRecord<>("b", 950),
                            new Watermark(1_500));
        }
    }

    @Test
    void emitsTheKeptWatermarkBeforeTheFirstRecordAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processElement("a", 5_000);
            h.processWatermark(4_000);
            snapshot = h.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<String, String> h = running(snapshot)) {
            assertThat(h.getOutput()).isEmpty();
            h.processElement("replayed-late", 10);
            h.processWatermark(100); // the source's rebuilt watermark, behind the kept one
            h.processElement("b", 4_500);
            h.processWatermark(4_200);
            assertThat(drain(h))
                    .containsExactly(
                            new Watermark(4_000), new StreamRecord<>("replayed-late", 10), new StreamRecord<>("b", 4_500),
                            new Watermark(4_200));
        }
    }

    @Test
    void aLowerWatermarkFirstAfterARestoreBringsTheKeptOne() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processWatermark(4_000);
            snapshot = h.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<String, String> h = running(snapshot)) {
            h.processWatermark(10);
            h.processWatermark(20);
            assertThat(drain(h)).containsExactly(new Watermark(4_000));
        }
    }

    @Test
    void forwardsIdlenessAndAFreshStartEmitsNothingExtra() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            h.processElement("a", 1);
            assertThat(drain(h))
                    .containsExactly(WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, new StreamRecord<>("a", 1));
        }
    }

    /** Snapshots two subtasks that saw watermarks {@code w0}, {@code w1}, optionally idle. */
    private static OperatorSubtaskState twoSubtasks(long w0, boolean idle0, long w1, boolean idle1) throws Exception {
        OperatorSubtaskState[] states = new OperatorSubtaskState[2];
        long[] w = {w0, w1};
        boolean[] idle = {idle0, idle1};
        for (int i = 0; i < 2; i++) {
            try (OneInputStreamOperatorTestHarness<String, String> h = harness(2, i)) {
                h.setup();
                h.open();
                h.processWatermark(w[i]);
                if (idle[i]) {
                    h.processWatermarkStatus(WatermarkStatus.IDLE);
                }
                states[i] = h.snapshot(1, 1);
            }
        }
        return AbstractStreamOperatorTestHarness.repackageState(states);
    }

    private static long restoredAt(OperatorSubtaskState state, int oldParallelism, int newParallelism, int subtask)
            throws Exception {
        OperatorSubtaskState part =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        state, MAX_PARALLELISM, oldParallelism, newParallelism, subtask);
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(newParallelism, subtask)) {
            h.setup();
            h.initializeState(part);
            h.open();
            h.processElement("x", 0);
            Object first = h.getOutput().peek();
            assertThat(first).isInstanceOf(Watermark.class);
            return ((Watermark) first).getTimestamp();
        }
    }

    @Test
    void scaleInTakesTheMinimumOverActiveSubtasks() throws Exception {
        assertThat(restoredAt(twoSubtasks(500, false, 900, false), 2, 1, 0)).isEqualTo(500);
        // An idle subtask did not hold the downstream watermark back, so it does not count.
        assertThat(restoredAt(twoSubtasks(500, true, 900, false), 2, 1, 0)).isEqualTo(900);
        // All idle: Flink's valve moves to the maximum.
        assertThat(restoredAt(twoSubtasks(500, true, 900, true), 2, 1, 0)).isEqualTo(900);
    }

    @Test
    void scaleOutGivesEverySubtaskTheKeptWatermark() throws Exception {
        OperatorSubtaskState one;
        try (OneInputStreamOperatorTestHarness<String, String> h = harness(1, 0)) {
            h.setup();
            h.open();
            h.processWatermark(700);
            one = h.snapshot(1, 1);
        }
        assertThat(restoredAt(one, 1, 2, 0)).isEqualTo(700);
        assertThat(restoredAt(one, 1, 2, 1)).isEqualTo(700);
        // And back to one: still 700.
        assertThat(restoredAt(twoSubtasks(700, false, 700, false), 2, 1, 0)).isEqualTo(700);
    }

    @Test
    void theEndOfInputIsTheEndOfEventTimeEvenWhenTheInputWasIdle() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processWatermark(1_000);
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.endInput();
            assertThat(drain(h)).containsExactly(
                    new Watermark(1_000), WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, Watermark.MAX_WATERMARK);
        }
        try (OneInputStreamOperatorTestHarness<String, String> h = running(null)) {
            h.processWatermark(Long.MAX_VALUE);
            h.endInput();
            assertThat(drain(h)).as("delivered by Flink already: not twice").containsExactly(Watermark.MAX_WATERMARK);
        }
    }
}
