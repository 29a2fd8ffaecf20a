package io.shopstream.common.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The enrichment operator driven directly through Flink's test harness. */
class EnrichmentOperatorsTest {

    private static final long MAX_WAIT = 30_000;
    private static final long HORIZON = 600_000;
    /** Expiry times are rounded up to multiples of this (DuplicateFilter). */
    private static final long BUCKET = HORIZON / 60;
    /** watermark.max-future's default: an event further ahead of the clock is from the future. */
    private static final long MAX_FUTURE = 600_000;
    /** 2099-01-01T00:00:00Z: a bogus timestamp far ahead of any clock. */
    private static final long YEAR_2099 = 4_070_908_800_000L;
    private static final Product DUNE = new Product("p-42", "Dune", "books", 1999);
    private static final Product PEN = new Product("p-1", "Pen", "office", 100);
    private static final Customer ANNA = new Customer("c-17", "DE", "gold");

    private static EventOrCustomer view(String id, String customer, String product, long ts) {
        return EventOrCustomer.of(new Event(id, EventType.VIEW, customer, product, 1, null, null, ts));
    }

    private static EventOrCustomer customer(String id, Customer customer) {
        return EventOrCustomer.of(new CustomerUpdate(id, customer));
    }

    private static KeyedBroadcastOperatorTestHarness<String, EventOrCustomer, ProductUpdate, EnrichedEvent> harness()
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new Enricher(MAX_WAIT, HORIZON, MAX_FUTURE), EventOrCustomer::customerId, Types.STRING, Enricher.PRODUCTS);
        h.setProcessingTime(0);
        return h;
    }

    /**
     * Every product and customer known, so that events leave at once; the clock at HORIZON, so that
     * every ts up to 2 * HORIZON is within MAX_FUTURE of it and expiries fall on bucket ends.
     */
    private static KeyedBroadcastOperatorTestHarness<String, EventOrCustomer, ProductUpdate, EnrichedEvent> known()
            throws Exception {
        var h = harness();
        h.setProcessingTime(HORIZON);
        h.processBroadcastElement(new ProductUpdate("p", new Product("p", "Pen", "office", 100)), 0);
        h.processElement(customer("c-1", new Customer("c-1", "DE", "gold")), 0);
        h.processElement(customer("c-2", new Customer("c-2", "FR", "silver")), 0);
        return h;
    }

    @Nested
    class Deduplication {

        @Test
        void dropsARetryWithinTheHorizonAndKeepsOneAfterIt() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000);
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000); // producer retry
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON - 1), 0); // still inside
                h.processElement(view("e-1", "c-2", "p", 1_000), 1_000); // other customer: not a duplicate
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON), 0); // horizon reached: new event

                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@1000", "e-1@c-2@1000",
                        "e-1@c-1@" + (1_000 + HORIZON));
            }
        }

        @Test
        void forgetsIdsOnceTheWatermarkPassesTheHorizonRoundedUpToItsBucket() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000);
                h.processElement(view("e-2", "c-1", "p", 2_000), 2_000); // the same bucket: no second timer
                h.processElement(view("e-3", "c-1", "p", 1_000 + BUCKET), 0);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isEqualTo(1);
                assertThat(keysWith(h, DuplicateFilter.IDS_BY_EXPIRY.getName())).isEqualTo(1);
                assertThat(h.numEventTimeTimers()).isEqualTo(2);

                h.watermark(2_000 + HORIZON);
                assertThat(h.numEventTimeTimers()).as("not before the bucket ends").isEqualTo(2);
                h.watermark(HORIZON + BUCKET);
                assertThat(h.numEventTimeTimers()).isEqualTo(1);
                h.processElement(view("e-2", "c-1", "p", 2_000 + HORIZON), 0); // forgotten: a new event
                h.watermark(HORIZON + 2 * BUCKET);

                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@1000", "e-2@c-1@2000",
                        "e-3@c-1@" + (1_000 + BUCKET), "e-2@c-1@" + (2_000 + HORIZON));
                h.watermark(2_000 + 2 * HORIZON + BUCKET);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(keysWith(h, DuplicateFilter.IDS_BY_EXPIRY.getName())).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
            }
        }

        @Test
        void anIdAcceptedAgainIsNotForgottenByTheFirstOnesTimer() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000);
                // Past the first one's horizon before the watermark got there: accepted again.
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON), 1_000 + HORIZON);
                h.watermark(HORIZON + BUCKET); // the first acceptance's timer
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON + 5), 1_000 + HORIZON + 5); // a retry

                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@1000", "e-1@c-1@" + (1_000 + HORIZON));
                h.watermark(2 * HORIZON + BUCKET);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
            }
        }
    }

    @Nested
    class EventsFromTheFuture {

        @Test
        void anEventFromTheFutureIsPassedOnAndItsIdForgottenOnceTheHorizonHasPassedInProcessingTime() throws Exception {
            try (var h = known()) {
                long entriesBefore = keyedStateEntries(h);
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099);
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // producer retry
                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@" + YEAR_2099);
                assertThat(h.numEventTimeTimers()).as("nothing waits for the watermark to reach 2099").isZero();
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isEqualTo(1);

                h.setProcessingTime(2 * HORIZON - 1);
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // still remembered
                assertThat(h.extractOutputValues()).hasSize(1);

                h.setProcessingTime(2 * HORIZON); // HORIZON after it was accepted: a bucket end
                assertThat(keyedStateEntries(h)).isEqualTo(entriesBefore);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(keysWith(h, DuplicateFilter.FUTURE_IDS_BY_EXPIRY.getName())).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
            }
        }

        @Test
        void eventsWithinMaxFutureStillExpireByTheWatermark() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", 2 * HORIZON), 0); // exactly MAX_FUTURE ahead
                h.processElement(view("e-2", "c-1", "p", 2 * HORIZON + 1), 0); // 1 ms beyond

                assertThat(h.extractOutputValues()).hasSize(2);
                assertThat(h.numEventTimeTimers()).isEqualTo(1);
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
                h.setProcessingTime(2 * HORIZON);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isEqualTo(1); // e-1's
                h.watermark(3 * HORIZON);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(h.numEventTimeTimers() + h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void anIdAcceptedAgainKeepsItsNewEntryWhenTheOldExpiryFires() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // expires at 2 * HORIZON
                h.setProcessingTime(HORIZON + BUCKET);
                // Past the first one's horizon in event time: a new event with the same id.
                h.processElement(view("e-1", "c-1", "p", YEAR_2099 + HORIZON), YEAR_2099 + HORIZON);
                h.setProcessingTime(2 * HORIZON);
                h.processElement(view("e-1", "c-1", "p", YEAR_2099 + HORIZON + 5), YEAR_2099 + HORIZON + 5); // retry

                assertThat(ids(h.extractOutputValues()))
                        .containsExactly("e-1@c-1@" + YEAR_2099, "e-1@c-1@" + (YEAR_2099 + HORIZON));
                h.setProcessingTime(2 * HORIZON + BUCKET);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void anIdAcceptedAgainFromTheFutureIsNotForgottenByTheWatermark() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000); // expires by the watermark
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // past its horizon: accepted
                h.watermark(HORIZON + BUCKET); // the first acceptance's timer
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // a retry: still remembered

                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@1000", "e-1@c-1@" + YEAR_2099);
                assertThat(keysWith(h, DuplicateFilter.IDS_BY_EXPIRY.getName())).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
                h.setProcessingTime(2 * HORIZON); // the future acceptance's horizon, in processing time
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void aTimerThatIsAHeldEventsDeadlineAndAnExpiryDoesBoth() throws Exception {
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // expires at 2 * HORIZON
                h.setProcessingTime(2 * HORIZON - MAX_WAIT);
                h.processElement(view("e-2", "c-1", "p-404", 1), 1); // waits until 2 * HORIZON
                assertThat(h.numProcessingTimeTimers()).as("one timer for both").isEqualTo(1);

                h.setProcessingTime(2 * HORIZON);
                assertThat(h.extractOutputValues()).extracting(EnrichedEvent::eventId, EnrichedEvent::enrichment)
                        .containsExactly(tuple("e-1", Enrichment.COMPLETE), tuple("e-2", Enrichment.MISSING_PRODUCT));
                assertThat(keysHoldingEvents(h)).isZero();
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isEqualTo(1); // e-2's, by the watermark
                assertThat(keysWith(h, DuplicateFilter.FUTURE_IDS_BY_EXPIRY.getName())).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void theExpiryOfAnEventFromTheFutureSurvivesARestore() throws Exception {
            OperatorSubtaskState snapshot;
            try (var h = known()) {
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099);
                snapshot = h.snapshot(1L, 1L);
            }
            try (var h = new KeyedBroadcastOperatorTestHarness<String, EventOrCustomer, ProductUpdate, EnrichedEvent>(
                    new CoBroadcastWithKeyedOperator<>(new Enricher(MAX_WAIT, HORIZON, MAX_FUTURE),
                            List.of(Enricher.PRODUCTS)),
                    EventOrCustomer::customerId, Types.STRING, 1, 1, 0)) {
                h.setProcessingTime(HORIZON + 1);
                h.initializeState(snapshot);
                h.open();
                assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // a retry: still remembered
                assertThat(h.extractOutputValues()).isEmpty();

                h.setProcessingTime(2 * HORIZON);
                assertThat(keysWith(h, DuplicateFilter.FIRST_SEEN.getName())).isZero();
                assertThat(keysWith(h, DuplicateFilter.FUTURE_IDS_BY_EXPIRY.getName())).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
                h.processElement(view("e-1", "c-1", "p", YEAR_2099), YEAR_2099); // forgotten: passed on again
                assertThat(h.extractOutputValues()).hasSize(1);
            }
        }
    }

    @Nested
    class ReferenceData {

        @Test
        void anEventWhoseProductAndCustomerAreKnownPassesStraightThrough() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(view("e-1", "c-17", "p-42", 5), 5);

                assertThat(h.extractOutputValues()).singleElement().satisfies(e -> {
                    assertThat(e.enrichment()).isEqualTo(Enrichment.COMPLETE);
                    assertThat(e.category()).isEqualTo("books");
                    assertThat(e.country()).isEqualTo("DE");
                });
                assertThat(keysHoldingEvents(h)).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void eventWaitsForItsProductAndTheCustomersLaterEventsWaitBehindIt() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-1", PEN), 0);
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(customer("c-18", new Customer("c-18", "FR", "silver")), 0);
                h.processElement(view("e-1", "c-17", "p-42", 1), 1); // p-42 unknown yet: held
                h.setProcessingTime(10);
                h.processElement(view("e-2", "c-17", "p-1", 2), 2); // known product, but must wait behind e-1
                h.processElement(view("e-3", "c-18", "p-1", 3), 3); // another customer is not blocked
                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-3");

                h.setProcessingTime(20);
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);

                List<EnrichedEvent> out = h.extractOutputValues();
                assertThat(eventIds(out)).containsExactly("e-3", "e-1", "e-2");
                assertThat(out).extracting(EnrichedEvent::enrichment).containsOnly(Enrichment.COMPLETE);
                assertThat(out.get(1).productName()).isEqualTo("Dune");
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void aQueueWaitingForTwoProductsIsReleasedWhenItsHeadsProductArrives() throws Exception {
            try (var h = harness()) {
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(view("e-1", "c-17", "p-1", 1), 1); // p-1 unknown: held
                h.processElement(view("e-2", "c-17", "p-2", 2), 2); // p-2 unknown, and behind e-1
                h.processBroadcastElement(new ProductUpdate("p-2", new Product("p-2", "Ink", "office", 50)), 0);
                assertThat(h.extractOutputValues()).isEmpty(); // e-2 still waits behind e-1

                h.processBroadcastElement(new ProductUpdate("p-1", PEN), 0);

                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-1", "e-2");
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void eventsWaitForTheirCustomerAndLeaveWithTheLatestOne() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);
                h.processElement(view("e-1", "c-17", "p-42", 1), 1);
                h.processElement(view("e-2", "c-17", "p-404", 2), 2);
                assertThat(h.extractOutputValues()).isEmpty();

                h.processElement(customer("c-17", ANNA), 0);

                // e-1 is complete now; e-2's product is still unknown, so it waits on.
                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-1");
                assertThat(h.extractOutputValues().get(0).country()).isEqualTo("DE");
                h.setProcessingTime(MAX_WAIT);
                List<EnrichedEvent> out = h.extractOutputValues();
                assertThat(eventIds(out)).containsExactly("e-1", "e-2");
                assertThat(out.get(1).enrichment()).isEqualTo(Enrichment.MISSING_PRODUCT);
                assertThat(out.get(1).category()).isEqualTo("unknown");
                // Only the customer itself stays in state.
                assertThat(keysHoldingEvents(h)).isZero();
                assertThat(keysWith(h, Enricher.CUSTOMER.getName())).isEqualTo(1);
            }
        }

        @Test
        void afterARestoreAHeldEventIsReleasedByItsProduct() throws Exception {
            OperatorSubtaskState snapshot;
            try (var h = harness()) {
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(view("e-1", "c-17", "p-42", 1), 1);
                snapshot = h.snapshot(1L, 1L);
            }
            try (var h = new KeyedBroadcastOperatorTestHarness<String, EventOrCustomer, ProductUpdate, EnrichedEvent>(
                    new CoBroadcastWithKeyedOperator<>(new Enricher(MAX_WAIT, HORIZON, MAX_FUTURE), List.of(Enricher.PRODUCTS)),
                    EventOrCustomer::customerId, Types.STRING, 1, 1, 0)) {
                h.setProcessingTime(10);
                h.initializeState(snapshot);
                h.open();
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);

                assertThat(h.extractOutputValues()).extracting(EnrichedEvent::enrichment)
                        .containsExactly(Enrichment.COMPLETE);
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void afterMaxWaitEventsGoOutWithWhatIsKnownAndTheQueueIsGone() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-1", PEN), 0);
                h.processElement(view("e-1", "c-9", "p-404", 1), 1);
                h.setProcessingTime(5);
                h.processElement(view("e-2", "c-9", "p-1", 2), 2);
                h.setProcessingTime(MAX_WAIT - 1);
                assertThat(h.extractOutputValues()).isEmpty();

                h.setProcessingTime(MAX_WAIT);
                assertThat(h.extractOutputValues()).extracting(EnrichedEvent::enrichment)
                        .containsExactly(Enrichment.MISSING_BOTH); // e-2's own deadline is 5 ms later
                h.setProcessingTime(MAX_WAIT + 5);

                List<EnrichedEvent> out = h.extractOutputValues();
                assertThat(eventIds(out)).containsExactly("e-1", "e-2");
                assertThat(out.get(1).enrichment()).isEqualTo(Enrichment.MISSING_CUSTOMER);
                assertThat(out.get(1).productId()).isEqualTo("p-1");
                assertThat(keysHoldingEvents(h)).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void aHeadReleasedByItsProductLeavesTheNextEventItsOwnDeadline() throws Exception {
            try (var h = harness()) {
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(view("e-1", "c-17", "p-1", 1), 1); // deadline MAX_WAIT
                h.setProcessingTime(10);
                h.processElement(view("e-2", "c-17", "p-404", 2), 2); // deadline MAX_WAIT + 10
                h.processBroadcastElement(new ProductUpdate("p-1", PEN), 0);
                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-1");

                h.setProcessingTime(MAX_WAIT); // e-1's old timer: e-2 is not due yet, and gets its own
                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-1");
                h.setProcessingTime(MAX_WAIT + 10);

                assertThat(h.extractOutputValues()).extracting(EnrichedEvent::enrichment)
                        .containsExactly(Enrichment.COMPLETE, Enrichment.MISSING_PRODUCT);
                assertThat(keysHoldingEvents(h)).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void tombstonesDeleteTheProductAndTheCustomer() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);
                h.processBroadcastElement(new ProductUpdate("p-42", null), 0);
                h.processElement(customer("c-17", ANNA), 0);
                h.processElement(customer("c-17", null), 0);
                assertThat(keysWith(h, Enricher.CUSTOMER.getName())).isZero();

                h.processElement(view("e-1", "c-17", "p-42", 1), 1);
                assertThat(h.extractOutputValues()).isEmpty();
                h.setProcessingTime(MAX_WAIT);
                assertThat(h.extractOutputValues()).extracting(EnrichedEvent::enrichment)
                        .containsExactly(Enrichment.MISSING_BOTH);
            }
        }
    }

    /** Keys with held events, or with the bounds of a queue: both go when the queue does. */
    private static long keysHoldingEvents(KeyedBroadcastOperatorTestHarness<String, ?, ?, ?> h) {
        return keysWith(h, Enricher.HELD.getName()) + keysWith(h, Enricher.QUEUE.getName());
    }

    private static long keysWith(KeyedBroadcastOperatorTestHarness<String, ?, ?, ?> h, String state) {
        try (var keys = h.getOperator().getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** All keyed state entries, as {@code numKeyedStateEntries()} of the keyed one-input harness counts them. */
    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, ?, ?, ?> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static List<String> ids(List<EnrichedEvent> events) {
        return events.stream().map(e -> e.eventId() + "@" + e.customerId() + "@" + e.ts()).collect(Collectors.toList());
    }

    private static List<String> eventIds(List<EnrichedEvent> events) {
        return events.stream().map(EnrichedEvent::eventId).collect(Collectors.toList());
    }
}
