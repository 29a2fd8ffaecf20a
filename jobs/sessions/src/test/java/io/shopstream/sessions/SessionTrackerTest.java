package io.shopstream.sessions;

import static io.shopstream.testkit.EnrichedInput.event;
import static io.shopstream.testkit.Harnesses.forward;
import static io.shopstream.testkit.Harnesses.send;
import static io.shopstream.testkit.Harnesses.sideOutput;
import static io.shopstream.testkit.Harnesses.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Session;
import io.shopstream.common.time.WatermarkKeeper;
import io.shopstream.testkit.EnrichedInput;
import io.shopstream.testkit.compare.ArrivalReplay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The sessions operator, driven directly: merging, closing, late routing, cleanup. */
class SessionTrackerTest {

    private static final Duration GAP = Duration.ofMinutes(30);
    private static final long G = GAP.toMillis();
    private static final long T0 = 1_764_238_500_000L;
    private static final Comparator<Session> ORDER =
            Comparator.comparing(Session::customerId).thenComparingLong(Session::sessionStart);

    /** An opened harness around the job's session operator. */
    static KeyedOneInputStreamOperatorTestHarness<String, EnrichedEvent, Session> harness(Duration gap) throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new SessionTracker(gap), EnrichedEvent::customerId, Types.STRING);
    }

    /** A harness restored from {@code state}. */
    static KeyedOneInputStreamOperatorTestHarness<String, EnrichedEvent, Session> restored(OperatorSubtaskState state)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SessionTracker(GAP)), EnrichedEvent::customerId, Types.STRING);
        h.setup();
        h.initializeState(state);
        h.open();
        return h;
    }

    @Test
    void summarisesASessionOnceTheWatermarkReachesItsEndPlusTheGap() throws Exception {
        try (var h = harness(GAP)) {
            send(h, event("e1", EventType.VIEW, "c1", "books", T0));
            send(h, event("e2", EventType.ADD_TO_CART, "c1", "books", T0 + 60_000));
            EnrichedEvent order = event("e3", EventType.ORDER, "c1", "books", T0 + 120_000);
            send(h, order);
            send(h, event("e4", EventType.VIEW, "c1", "books", T0 + 90_000)); // out of order, inside
            send(h, event("e5", EventType.VIEW, "c2", "toys", T0 + 5_000));
            h.processWatermark(T0 + 120_000 + G - 1);
            assertThat(take(h, ORDER))
                    .containsExactly(new Session("c2", T0 + 5_000, T0 + 5_000, 0, 1, 1, 0, 0, 0, false));
            h.processWatermark(T0 + 120_000 + G);
            assertThat(take(h, ORDER))
                    .containsExactly(new Session("c1", T0, T0 + 120_000, 120_000, 4, 2, 1, 1, order.amountCents(), true));
        }
    }

    @Test
    void anEventWithinTheGapOfTwoSessionsJoinsThemIntoOne() throws Exception {
        try (var h = harness(GAP)) {
            send(h, event("e1", EventType.VIEW, "c1", "books", T0));
            send(h, event("e2", EventType.VIEW, "c1", "books", T0 + 2 * G)); // a second session
            send(h, event("e3", EventType.VIEW, "c1", "books", T0 + G)); // exactly the gap from both: joins them
            h.processWatermark(T0 + 3 * G);
            assertThat(take(h, ORDER)).containsExactly(new Session("c1", T0, T0 + 2 * G, 2 * G, 3, 3, 0, 0, 0, false));
        }
    }

    @Test
    void tooLateEventsGoToTheLateOutputAndClosedSessionsAreNeverReopened() throws Exception {
        try (var h = harness(GAP)) {
            send(h, event("e1", EventType.VIEW, "c1", "books", T0));
            h.processWatermark(T0 + G); // closes [T0, T0]
            assertThat(take(h, ORDER)).hasSize(1);

            EnrichedEvent notTooLate = event("e2", EventType.VIEW, "c1", "books", T0 + 1); // ts + gap = W + 1
            send(h, notTooLate);
            EnrichedEvent exactlyLate = event("e3", EventType.VIEW, "c1", "books", T0);
            send(h, exactlyLate);
            assertThat(sideOutput(h, SessionTracker.TOO_LATE)).containsExactly(exactlyLate);

            // e2 was not too late, yet its session [T0, ...] was emitted: it starts a session of its own.
            h.processWatermark(T0 + 1 + G);
            assertThat(take(h, ORDER)).containsExactly(new Session("c1", T0 + 1, T0 + 1, 0, 1, 1, 0, 0, 0, false));
        }
    }

    @Test
    void stateAndTimersAreGoneOnceTheGapHasPassed() throws Exception {
        try (var h = harness(GAP)) {
            send(h, event("e1", EventType.VIEW, "c1", "books", T0));
            send(h, event("e2", EventType.VIEW, "c1", "books", T0 + 10 * G));
            send(h, event("e3", EventType.VIEW, "c2", "books", T0 + 5));
            send(h, event("e4", EventType.VIEW, "c1", "books", T0 + 10)); // extends: its old timer is replaced
            assertThat(h.numEventTimeTimers()).isEqualTo(3);
            h.processWatermark(T0 + 10 + G);
            assertThat(take(h, ORDER)).hasSize(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + 11 * G);
            assertThat(take(h, ORDER)).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void stateTypesAreFlinkPojosNotKryo() {
        TypeInformation<OpenSession> open = TypeInformation.of(OpenSession.class);
        assertThat(open).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(Session.class)).isNotInstanceOf(GenericTypeInfo.class);
    }

    @Test
    void randomizedInputGivesExactlyThePlainImplementationsOutput() throws Exception {
        Duration gap = Duration.ofMinutes(2);
        for (long seed = 1; seed <= 5; seed++) {
            // Disorder far beyond the bound, so that late events and separate-after-close sessions happen too.
            List<List<EnrichedEvent>> input = EnrichedInput.random(seed, 3, 700, 90, 6, T0, 1_500, 200_000);
            PlainSessions oracle = new PlainSessions(gap);
            try (var h = harness(gap)) {
                ArrivalReplay.replay(input, EnrichedEvent::ts, Duration.ofSeconds(5), Duration.ofMinutes(10),
                        System.currentTimeMillis(), List.of(ArrivalReplay.of(oracle::onArrival, oracle::onWatermark),
                                ArrivalReplay.harness(h, EnrichedEvent::ts)));
                List<Session> expected = new ArrayList<>(oracle.result().sessions());
                expected.sort(ORDER);
                assertThat(take(h, ORDER)).as("seed %d", seed).isEqualTo(expected);
                assertThat(sideOutput(h, SessionTracker.TOO_LATE)).as("seed %d", seed)
                        .containsExactlyInAnyOrderElementsOf(oracle.result().late());
                assertThat(oracle.result().late()).isNotEmpty();
                assertThat(expected.stream().filter(s -> s.events() > 1).count()).isGreaterThan(expected.size() / 4);
                long counted = expected.stream().mapToLong(Session::events).sum();
                assertThat(counted + oracle.result().late().size()).isEqualTo(3 * 700);
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(oracle.openSessions()).isZero();
            }
        }
    }

    /** As for category-stats: after a restore only the kept watermark stops a partial session. */
    @Test
    void afterARestoreAReplayedLateEventIsLateOnlyWithTheKeptWatermark() throws Exception {
        OperatorSubtaskState keeperState;
        OperatorSubtaskState trackerState;
        try (var keeper = new OneInputStreamOperatorTestHarness<EnrichedEvent, EnrichedEvent>(new WatermarkKeeper<>());
                var tracker = harness(GAP)) {
            keeper.setup();
            keeper.open();
            for (int i = 0; i < 5; i++) {
                send(keeper, event("e" + i, EventType.VIEW, "c1", "books", T0 + i * 60_000));
            }
            send(keeper, event("e9", EventType.VIEW, "c2", "books", T0 + 3 * G));
            keeper.processWatermark(T0 + 3 * G - 5_000);
            forward(keeper, tracker);
            assertThat(take(tracker, ORDER)).extracting(Session::events).containsExactly(5L);
            keeperState = keeper.snapshot(1, 1);
            trackerState = tracker.snapshot(1, 1);
        }
        EnrichedEvent replayedLate = event("late", EventType.VIEW, "c1", "books", T0 + 30_000);

        try (var tracker = restored(trackerState)) {
            send(tracker, replayedLate);
            tracker.processWatermark(T0 + 5 * G);
            assertThat(take(tracker, ORDER))
                    .as("the naive graph emits a partial session for c1")
                    .contains(new Session("c1", T0 + 30_000, T0 + 30_000, 0, 1, 1, 0, 0, 0, false));
        }

        try (var keeper = new OneInputStreamOperatorTestHarness<EnrichedEvent, EnrichedEvent>(new WatermarkKeeper<>());
                var tracker = restored(trackerState)) {
            keeper.setup();
            keeper.initializeState(keeperState);
            keeper.open();
            send(keeper, replayedLate);
            keeper.processWatermark(T0 + 25_000);
            keeper.processWatermark(T0 + 5 * G);
            forward(keeper, tracker);
            assertThat(take(tracker, ORDER)).extracting(Session::customerId).containsExactly("c2");
            assertThat(sideOutput(tracker, SessionTracker.TOO_LATE)).containsExactly(replayedLate);
        }
    }
}
