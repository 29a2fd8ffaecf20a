package io.shopstream.categorystats;

import static io.shopstream.testkit.EnrichedInput.event;
import static io.shopstream.testkit.Harnesses.forward;
import static io.shopstream.testkit.Harnesses.send;
import static io.shopstream.testkit.Harnesses.sideOutput;
import static io.shopstream.testkit.Harnesses.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.common.time.WatermarkKeeper;
import io.shopstream.testkit.EnrichedInput;
import io.shopstream.testkit.compare.ArrivalReplay;
import io.shopstream.testkit.compare.FinalRevisions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The window stage of category-stats, driven directly: firing, revisions, late routing, cleanup. */
class CategoryStatsWindowTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final long T0 = 1_764_238_500_000L - 1_764_238_500_000L % 60_000; // a window start
    private static final Comparator<CategoryStats> BY_KEY_AND_REVISION =
            Comparator.comparing(CategoryStats::category)
                    .thenComparingLong(CategoryStats::windowStart)
                    .thenComparingInt(CategoryStats::revision);

    /** A harness around the job's own window operator (taken from the graph it builds). */
    static KeyedOneInputStreamOperatorTestHarness<String, EnrichedEvent, CategoryStats> harness(
            Duration size, Duration lateness) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<CategoryStats> stage =
                CategoryStatsJob.windowTotals(
                        env.fromData(event("x", EventType.VIEW, "c", "books", T0)).keyBy(EnrichedEvent::category),
                        size, lateness);
        @SuppressWarnings("unchecked")
        OneInputTransformation<EnrichedEvent, CategoryStats> t =
                (OneInputTransformation<EnrichedEvent, CategoryStats>) stage.getTransformation();
        OneInputStreamOperator<EnrichedEvent, CategoryStats> operator = t.getOperator();
        KeyedOneInputStreamOperatorTestHarness<String, EnrichedEvent, CategoryStats> h =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, EnrichedEvent::category, Types.STRING);
        h.setup();
        return h;
    }

    @Test
    void firesWhenTheWatermarkPassesTheEndWithExactTotals() throws Exception {
        try (var h = harness(MINUTE, MINUTE)) {
            h.open();
            send(h, event("e1", EventType.VIEW, "c1", "books", T0 + 1_000));
            send(h, event("e2", EventType.VIEW, "c2", "books", T0 + 2_000));
            send(h, event("e3", EventType.ADD_TO_CART, "c1", "books", T0 + 3_000));
            EnrichedEvent order = event("e4", EventType.ORDER, "c1", "books", T0 + 59_999);
            send(h, order);
            send(h, event("e5", EventType.VIEW, "c3", "toys", T0 + 5_000));
            send(h, event("e6", EventType.VIEW, "c3", "books", T0 + 60_000)); // next window
            h.processWatermark(T0 + 59_998);
            assertThat(take(h, BY_KEY_AND_REVISION)).isEmpty();
            h.processWatermark(T0 + 59_999);
            assertThat(take(h, BY_KEY_AND_REVISION))
                    .containsExactly(
                            new CategoryStats("books", T0, T0 + 60_000, 2, 1, 1, order.quantity(), order.amountCents(), 2, 0),
                            new CategoryStats("toys", T0, T0 + 60_000, 1, 0, 0, 0, 0, 1, 0));
        }
    }

    @Test
    void lateEventsWithinTheLatenessReEmitWithTheNextRevisionThenGoToTheLateOutput() throws Exception {
        try (var h = harness(MINUTE, MINUTE)) {
            h.open();
            send(h, event("e1", EventType.VIEW, "c1", "books", T0 + 1_000));
            h.processWatermark(T0 + 70_000);
            assertThat(take(h, BY_KEY_AND_REVISION)).extracting(CategoryStats::revision, CategoryStats::views)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 1L));

            send(h, event("e2", EventType.VIEW, "c2", "books", T0 + 10_000));
            send(h, event("e3", EventType.VIEW, "c2", "books", T0 + 20_000));
            assertThat(take(h, BY_KEY_AND_REVISION))
                    .extracting(CategoryStats::revision, CategoryStats::views, CategoryStats::uniqueCustomers)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2L, 2L),
                            org.assertj.core.groups.Tuple.tuple(2, 3L, 2L));

            // The window accepts events until the watermark reaches end - 1 + lateness.
            h.processWatermark(T0 + 60_000 - 1 + 60_000 - 1);
            send(h, event("e4", EventType.VIEW, "c3", "books", T0 + 30_000));
            assertThat(take(h, BY_KEY_AND_REVISION)).extracting(CategoryStats::revision).containsExactly(3);
            h.processWatermark(T0 + 60_000 - 1 + 60_000);
            EnrichedEvent tooLate = event("e5", EventType.VIEW, "c4", "books", T0 + 40_000);
            send(h, tooLate);
            assertThat(take(h, BY_KEY_AND_REVISION)).isEmpty();
            assertThat(sideOutput(h, CategoryStatsJob.TOO_LATE)).containsExactly(tooLate);
        }
    }

    @Test
    void stateAndTimersAreGoneOnceTheLatenessHasPassed() throws Exception {
        try (var h = harness(MINUTE, MINUTE)) {
            h.open();
            send(h, event("e1", EventType.VIEW, "c1", "books", T0 + 1_000));
            send(h, event("e2", EventType.ORDER, "c1", "toys", T0 + 61_000));
            h.processWatermark(T0 + 100_000);
            send(h, event("e3", EventType.VIEW, "c2", "books", T0 + 2_000)); // a revision: per-window state
            assertThat(h.numKeyedStateEntries()).isPositive();
            assertThat(h.numEventTimeTimers()).isPositive();
            h.processWatermark(T0 + 180_000);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theWindowKeepsItsEventsAndWritesItsTotalsAsPojosNotKryo() {
        // The window state holds the events themselves (appended, never rewritten), see windowTotals.
        assertThat(TypeInformation.of(EnrichedEvent.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(CategoryStats.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void randomizedInputGivesExactlyThePlainImplementationsOutput() throws Exception {
        // Disorder far beyond the bound, so that revisions and late events happen too.
        for (long seed = 1; seed <= 5; seed++) {
            List<List<EnrichedEvent>> input = EnrichedInput.random(seed, 3, 700, 90, 6, T0, 400, 150_000);
            PlainCategoryStats oracle = new PlainCategoryStats(MINUTE, MINUTE);
            try (var h = harness(MINUTE, MINUTE)) {
                h.open();
                ArrivalReplay.replay(input, EnrichedEvent::ts, Duration.ofSeconds(5), Duration.ofMinutes(10),
                        System.currentTimeMillis(), List.of(ArrivalReplay.of(oracle::onArrival, oracle::onWatermark),
                                ArrivalReplay.harness(h, EnrichedEvent::ts)));
                List<CategoryStats> expected = new ArrayList<>(oracle.result().stats());
                expected.sort(BY_KEY_AND_REVISION);
                assertThat(take(h, BY_KEY_AND_REVISION)).as("seed %d", seed).isEqualTo(expected);
                assertThat(sideOutput(h, CategoryStatsJob.TOO_LATE)).as("seed %d", seed)
                        .containsExactlyInAnyOrderElementsOf(oracle.result().late());
                assertThat(expected.stream().anyMatch(s -> s.revision() > 0)).isTrue();
                assertThat(oracle.result().late()).isNotEmpty();
                // Accounting: every event is in the final revision of its window or late.
                long counted = FinalRevisions.eventsCounted(oracle.result().stats());
                assertThat(counted + oracle.result().late().size()).isEqualTo(3 * 700);
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(oracle.openWindows()).isZero();
            }
        }
    }

    /**
     * The reason for {@link WatermarkKeeper}: after a restore, Flink starts the window operator's
     * watermark from scratch. A replayed late event for a window that was fired and purged before
     * the checkpoint then builds a new window holding just that event (the naive graph), instead
     * of going to the late output (with the keeper in front).
     */
    @Test
    void afterARestoreAReplayedLateEventIsLateOnlyWithTheKeptWatermark() throws Exception {
        OperatorSubtaskState keeperState;
        OperatorSubtaskState windowState;
        try (var keeper = new OneInputStreamOperatorTestHarness<EnrichedEvent, EnrichedEvent>(new WatermarkKeeper<>());
                var window = harness(MINUTE, MINUTE)) {
            keeper.setup();
            keeper.open();
            window.open();
            for (int i = 0; i < 5; i++) {
                send(keeper, event("e" + i, EventType.VIEW, "c" + i, "books", T0 + i * 1_000));
            }
            send(keeper, event("e9", EventType.VIEW, "c9", "books", T0 + 200_000));
            keeper.processWatermark(T0 + 195_000);
            forward(keeper, window);
            assertThat(take(window, BY_KEY_AND_REVISION)).extracting(CategoryStats::views).containsExactly(5L);
            keeperState = keeper.snapshot(1, 1);
            windowState = window.snapshot(1, 1);
        }
        EnrichedEvent replayedLate = event("late", EventType.VIEW, "c7", "books", T0 + 30_000);

        // Naive: the restored window operator sees the replayed event before any watermark.
        try (var window = harness(MINUTE, MINUTE)) {
            window.initializeState(windowState);
            window.open();
            send(window, replayedLate);
            window.processWatermark(T0 + 300_000);
            assertThat(take(window, BY_KEY_AND_REVISION))
                    .as("the naive graph re-emits the purged window with a partial count")
                    .contains(new CategoryStats("books", T0, T0 + 60_000, 1, 0, 0, 0, 0, 1, 0));
        }

        // With the keeper: the kept watermark arrives first, and the event is late.
        try (var keeper = new OneInputStreamOperatorTestHarness<EnrichedEvent, EnrichedEvent>(new WatermarkKeeper<>());
                var window = harness(MINUTE, MINUTE)) {
            keeper.setup();
            keeper.initializeState(keeperState);
            keeper.open();
            window.initializeState(windowState);
            window.open();
            send(keeper, replayedLate);
            keeper.processWatermark(T0 + 25_000); // the source's rebuilt watermark
            keeper.processWatermark(T0 + 300_000);
            forward(keeper, window);
            assertThat(take(window, BY_KEY_AND_REVISION)).extracting(CategoryStats::windowStart).doesNotContain(T0);
            assertThat(sideOutput(window, CategoryStatsJob.TOO_LATE)).containsExactly(replayedLate);
        }
    }
}
