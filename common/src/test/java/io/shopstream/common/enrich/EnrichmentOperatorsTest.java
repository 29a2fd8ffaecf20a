package io.shopstream.common.enrich;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The enrichment operators driven directly through Flink's test harnesses. */
class EnrichmentOperatorsTest {

    private static final long MAX_WAIT = 30_000;
    private static final long HORIZON = 600_000;
    private static final Product DUNE = new Product("p-42", "Dune", "books", 1999);
    private static final Customer ANNA = new Customer("c-17", "DE", "gold");

    private static Event view(String id, String customer, String product, long ts) {
        return new Event(id, EventType.VIEW, customer, product, 1, null, null, ts);
    }

    @Nested
    class Deduplication {

        private KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness() throws Exception {
            var h = new KeyedOneInputStreamOperatorTestHarness<>(
                    new KeyedProcessOperator<>(new Deduplicator(HORIZON)), Event::customerId, Types.STRING);
            h.open();
            return h;
        }

        @Test
        void dropsARetryWithinTheHorizonAndKeepsOneAfterIt() throws Exception {
            try (var h = harness()) {
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
        void forgetsIdsOnceTheWatermarkPassesTheHorizon() throws Exception {
            try (var h = harness()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000);
                h.processElement(view("e-2", "c-1", "p", 2_000), 2_000);
                assertThat(h.numKeyedStateEntries()).isEqualTo(2); // the ids, and the ids by expiry
                assertThat(h.numEventTimeTimers()).isEqualTo(2);

                h.processWatermark(1_000 + HORIZON);
                assertThat(h.numEventTimeTimers()).isEqualTo(1);
                h.processWatermark(2_000 + HORIZON);

                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
            }
        }

        @Test
        void anIdAcceptedAgainIsNotForgottenByTheFirstOnesTimer() throws Exception {
            try (var h = harness()) {
                h.processElement(view("e-1", "c-1", "p", 1_000), 1_000);
                // Past the first one's horizon before the watermark got there: accepted again.
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON), 1_000 + HORIZON);
                h.processWatermark(1_000 + HORIZON); // the first acceptance's timer
                h.processElement(view("e-1", "c-1", "p", 1_000 + HORIZON + 5), 1_000 + HORIZON + 5); // a retry

                assertThat(ids(h.extractOutputValues())).containsExactly("e-1@c-1@1000", "e-1@c-1@" + (1_000 + HORIZON));
                h.processWatermark(1_000 + 2 * HORIZON);
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(h.numEventTimeTimers()).isZero();
            }
        }
    }

    @Nested
    class ProductLookup {

        private KeyedBroadcastOperatorTestHarness<String, Event, ProductUpdate, PendingEvent> harness() throws Exception {
            var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                    new ProductEnricher(MAX_WAIT), Event::customerId, Types.STRING, ProductEnricher.PRODUCTS);
            h.setProcessingTime(0);
            return h;
        }

        @Test
        void knownProductPassesStraightThrough() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);
                h.processElement(view("e-1", "c-17", "p-42", 5), 5);
                assertThat(h.extractOutputValues()).containsExactly(new PendingEvent(view("e-1", "c-17", "p-42", 5), DUNE, MAX_WAIT));
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void eventWaitsForItsProductAndTheCustomersLaterEventsWaitBehindIt() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-1", new Product("p-1", "Pen", "office", 100)), 0);
                h.processElement(view("e-1", "c-17", "p-42", 1), 1); // p-42 unknown yet: held
                h.setProcessingTime(10);
                h.processElement(view("e-2", "c-17", "p-1", 2), 2); // known product, but must wait behind e-1
                h.processElement(view("e-3", "c-18", "p-1", 3), 3); // another customer is not blocked
                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-3");

                h.setProcessingTime(20);
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);

                List<PendingEvent> out = h.extractOutputValues();
                assertThat(eventIds(out)).containsExactly("e-3", "e-1", "e-2");
                assertThat(out.get(1).product()).isEqualTo(DUNE);
                assertThat(out.get(1).deadline()).isEqualTo(MAX_WAIT);
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void aQueueWaitingForTwoProductsIsReleasedWhenItsHeadsProductArrives() throws Exception {
            try (var h = harness()) {
                h.processElement(view("e-1", "c-17", "p-1", 1), 1); // p-1 unknown: held
                h.processElement(view("e-2", "c-17", "p-2", 2), 2); // p-2 unknown, and behind e-1
                h.processBroadcastElement(new ProductUpdate("p-2", new Product("p-2", "Ink", "office", 50)), 0);
                assertThat(h.extractOutputValues()).isEmpty(); // e-2 still waits behind e-1

                h.processBroadcastElement(new ProductUpdate("p-1", new Product("p-1", "Pen", "office", 100)), 0);

                assertThat(eventIds(h.extractOutputValues())).containsExactly("e-1", "e-2");
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void afterARestoreAHeldEventIsReleasedByItsProduct() throws Exception {
            OperatorSubtaskState snapshot;
            try (var h = harness()) {
                h.processElement(view("e-1", "c-17", "p-42", 1), 1);
                snapshot = h.snapshot(1L, 1L);
            }
            try (var h = new KeyedBroadcastOperatorTestHarness<String, Event, ProductUpdate, PendingEvent>(
                    new CoBroadcastWithKeyedOperator<>(
                            new ProductEnricher(MAX_WAIT), List.of(ProductEnricher.PRODUCTS)),
                    Event::customerId, Types.STRING, 1, 1, 0)) {
                h.setProcessingTime(10);
                h.initializeState(snapshot);
                h.open();
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);

                assertThat(h.extractOutputValues()).extracting(PendingEvent::product).containsExactly(DUNE);
                assertThat(keysHoldingEvents(h)).isZero();
            }
        }

        @Test
        void afterMaxWaitTheEventGoesOutWithoutProductAndReleasesTheQueue() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-1", new Product("p-1", "Pen", "office", 100)), 0);
                h.processElement(view("e-1", "c-17", "p-404", 1), 1);
                h.setProcessingTime(5);
                h.processElement(view("e-2", "c-17", "p-1", 2), 2);
                h.setProcessingTime(MAX_WAIT - 1);
                assertThat(h.extractOutputValues()).isEmpty();

                h.setProcessingTime(MAX_WAIT);

                List<PendingEvent> out = h.extractOutputValues();
                assertThat(eventIds(out)).containsExactly("e-1", "e-2");
                assertThat(out.get(0).product()).isNull();
                assertThat(out.get(1).product().productId()).isEqualTo("p-1");
                assertThat(keysHoldingEvents(h)).isZero();
                h.setProcessingTime(MAX_WAIT + 5);
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void tombstoneDeletesTheProduct() throws Exception {
            try (var h = harness()) {
                h.processBroadcastElement(new ProductUpdate("p-42", DUNE), 0);
                h.processBroadcastElement(new ProductUpdate("p-42", null), 0);
                h.processElement(view("e-1", "c-17", "p-42", 1), 1);
                assertThat(h.extractOutputValues()).isEmpty();
                h.setProcessingTime(MAX_WAIT);
                assertThat(h.extractOutputValues()).hasSize(1).allSatisfy(p -> assertThat(p.product()).isNull());
            }
        }
    }

    @Nested
    class CustomerLookup {

        private KeyedTwoInputStreamOperatorTestHarness<String, PendingEvent, CustomerUpdate, EnrichedEvent> harness()
                throws Exception {
            var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(new CustomerEnricher()),
                    (PendingEvent p) -> p.event().customerId(),
                    CustomerUpdate::customerId,
                    Types.STRING);
            h.setProcessingTime(0);
            h.open();
            return h;
        }

        private PendingEvent pending(String id, String customer, Product product, long deadline) {
            return new PendingEvent(view(id, customer, "p-42", 1), product, deadline);
        }

        @Test
        void enrichesWithTheLatestCustomerAndWaitsForAMissingOne() throws Exception {
            try (var h = harness()) {
                h.processElement1(new StreamRecord<>(pending("e-1", "c-17", DUNE, MAX_WAIT)));
                h.processElement1(new StreamRecord<>(pending("e-2", "c-17", null, MAX_WAIT)));
                assertThat(h.extractOutputValues()).isEmpty();
                assertThat(h.numKeyedStateEntries()).isEqualTo(1);

                h.processElement2(new StreamRecord<>(new CustomerUpdate("c-17", ANNA)));

                List<EnrichedEvent> out = h.extractOutputValues();
                assertThat(out).extracting(EnrichedEvent::eventId).containsExactly("e-1", "e-2");
                assertThat(out.get(0).enrichment()).isEqualTo(Enrichment.COMPLETE);
                assertThat(out.get(0).country()).isEqualTo("DE");
                assertThat(out.get(1).enrichment()).isEqualTo(Enrichment.MISSING_PRODUCT);
                assertThat(out.get(1).category()).isEqualTo("unknown");
                // Only the customer itself stays in state.
                assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            }
        }

        @Test
        void anEventWhoseDeadlinePassedUpstreamDoesNotWaitAgain() throws Exception {
            try (var h = harness()) {
                h.setProcessingTime(MAX_WAIT + 1);
                h.processElement1(new StreamRecord<>(pending("e-1", "c-9", null, MAX_WAIT)));
                assertThat(h.extractOutputValues()).singleElement()
                        .extracting(EnrichedEvent::enrichment).isEqualTo(Enrichment.MISSING_BOTH);
                assertThat(h.numKeyedStateEntries()).isZero();
            }
        }

        @Test
        void timesOutAndCleansUp() throws Exception {
            try (var h = harness()) {
                h.processElement1(new StreamRecord<>(pending("e-1", "c-9", DUNE, MAX_WAIT)));
                h.setProcessingTime(MAX_WAIT);
                assertThat(h.extractOutputValues()).singleElement()
                        .extracting(EnrichedEvent::enrichment).isEqualTo(Enrichment.MISSING_CUSTOMER);
                assertThat(h.numKeyedStateEntries()).isZero();
                assertThat(h.numProcessingTimeTimers()).isZero();
            }
        }

        @Test
        void tombstoneDeletesTheCustomer() throws Exception {
            try (var h = harness()) {
                h.processElement2(new StreamRecord<>(new CustomerUpdate("c-17", ANNA)));
                h.processElement2(new StreamRecord<>(new CustomerUpdate("c-17", null)));
                assertThat(h.numKeyedStateEntries()).isZero();
                h.processElement1(new StreamRecord<>(pending("e-1", "c-17", DUNE, MAX_WAIT)));
                assertThat(h.extractOutputValues()).isEmpty();
            }
        }
    }

    /** Keys that still hold events waiting for their product. */
    /** Keys with a queue, or with the flag that says they have one: both go when the queue does. */
    private static long keysHoldingEvents(KeyedBroadcastOperatorTestHarness<String, ?, ?, ?> h) {
        var backend = h.getOperator().getKeyedStateBackend();
        try (var queues = backend.getKeys(ProductEnricher.HELD.getName(), VoidNamespace.INSTANCE);
                var flags = backend.getKeys(ProductEnricher.HOLDING.getName(), VoidNamespace.INSTANCE)) {
            return queues.count() + flags.count();
        }
    }

    private static List<String> ids(List<Event> events) {
        return events.stream().map(e -> e.eventId() + "@" + e.customerId() + "@" + e.ts()).collect(Collectors.toList());
    }

    private static List<String> eventIds(List<PendingEvent> events) {
        return events.stream().map(p -> p.event().eventId()).collect(Collectors.toList());
    }
}
