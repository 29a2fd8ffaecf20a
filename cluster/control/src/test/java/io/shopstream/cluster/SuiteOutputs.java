package io.shopstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.categorystats.PlainCategoryStats;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.PaidOrder;
import io.shopstream.common.model.Session;
import io.shopstream.common.model.UnpaidOrder;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.payments.OrderOrPayment;
import io.shopstream.payments.PaymentsOptions;
import io.shopstream.payments.PlainPaymentMatching;
import io.shopstream.sessions.PlainSessions;
import io.shopstream.testkit.compare.Difference;
import io.shopstream.testkit.compare.FinalRevisions;
import io.shopstream.testkit.compare.KeyOrder;
import io.shopstream.testkit.compare.TimeFields;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The chaos test's checks of every output topic against the plain implementations over the same
 * input: enrich record for record (per customer in order) and its dead letters; category-stats'
 * final revision of every window, sessions and payments' paid, unpaid and orphaned records
 * exactly; and every event before the flush counted once by each downstream job.
 */
final class SuiteOutputs {

    private static final PrintStream OUT = System.out;

    private final LocalCluster cluster;
    private final JobConfig config;
    private final ChaosDiagnostics diagnostics;
    private final long flushTs;

    SuiteOutputs(LocalCluster cluster, JobConfig config, ChaosDiagnostics diagnostics, long flushTs) {
        this.cluster = cluster;
        this.config = config;
        this.diagnostics = diagnostics;
        this.flushTs = flushTs;
    }

    /** enrich: exactly what the plain implementation computes from the same topics. Returns the enriched events. */
    List<EnrichedEvent> assertEnrichExact() throws InterruptedException {
        PlainEnrich.Collected expected = new PlainEnrich.Collected();
        PlainEnrich oracle = new PlainEnrich(config);
        oracle.consumeToEnd(config, expected);
        String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
        // Generous: on a loaded 2-core machine checkpoints (and so commits) were seen to take 45 s.
        diagnostics.awaitOrShowExceptions("all enriched events committed", Duration.ofSeconds(420),
                () -> values(enrichedTopic).size() >= expected.enriched.size());
        diagnostics.awaitMoreCheckpoints("enrich", 3); // nothing else may show up

        List<String> actual = values(enrichedTopic);
        List<String> wanted = expected.enriched.stream().map(Json::writeString).toList();
        assertThat(Difference.of(wanted, actual).describe()).as("enriched events: expected vs actual").isEmpty();
        assertThat(KeyOrder.difference(wanted, actual, KeyOrder.jsonField("customerId"))).as("per-customer order").isEmpty();

        List<String> actualDlq = TimeFields.withoutTime(values(config.get(ShopOptions.TOPIC_DLQ)).stream()
                .map(TimeFields::readDeadLetter).filter(d -> d.job().equals("enrich")).toList());
        List<String> expectedDlq = TimeFields.withoutTime(expected.deadLetters);
        assertThat(Difference.of(expectedDlq, actualDlq).describe()).as("dead letters: expected vs actual").isEmpty();
        assertThat(oracle.recordsRead())
                .isEqualTo(oracle.referenceUpdatesApplied() + actual.size() + actualDlq.size() + oracle.duplicatesDropped());
        OUT.printf("enrich: %d enriched, %d dead-lettered, %d duplicates dropped: identical to the plain implementation%n",
                actual.size(), actualDlq.size(), oracle.duplicatesDropped());
        return actual.stream().map(j -> read(j, EnrichedEvent.class)).toList();
    }

    /**
     * category-stats: every enriched event before the flush counted exactly once, in the final
     * revision of its window or in the late topic; the final totals exactly the plain
     * implementation's (revision numbers depend on timing).
     */
    void assertCategoryStatsExact(List<EnrichedEvent> before, List<List<EnrichedEvent>> partitions, long now)
            throws InterruptedException {
        String statsTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS);
        String lateTopic = config.get(ShopOptions.TOPIC_CATEGORY_STATS_LATE);
        assertEachEventCountedOnce("category-stats", "final revisions + late", before.size(),
                () -> closedWindows(stats(statsTopic)).stream().mapToLong(s -> s.views() + s.addToCarts() + s.orders()).sum()
                        + lateBeforeFlush(lateTopic));
        PlainCategoryStats.Result oracle = PlainCategoryStats.run(config, partitions, now);
        List<String> expected = FinalRevisions.totals(closedWindows(oracle.stats()));
        List<String> actual = FinalRevisions.totals(closedWindows(stats(statsTopic)));
        OUT.printf("category-stats: late events %,d, the plain implementation's %,d%n", lateBeforeFlush(lateTopic),
                oracle.late().stream().filter(e -> e.ts() < flushTs).count());
        assertThat(Difference.of(expected, actual).describe()).as("category-stats final revisions vs PlainCategoryStats")
                .isEmpty();
        OUT.printf("category-stats: %,d windows identical to the plain implementation; %,d events each counted once%n",
                actual.size(), before.size());
    }

    /**
     * sessions: every enriched event before the flush in a session or in the late topic, once;
     * the sessions exactly the plain implementation's.
     */
    void assertSessionsExact(List<EnrichedEvent> before, List<List<EnrichedEvent>> partitions, long now)
            throws InterruptedException {
        String sessionsTopic = config.get(ShopOptions.TOPIC_SESSIONS);
        String lateTopic = config.get(ShopOptions.TOPIC_SESSIONS_LATE);
        assertEachEventCountedOnce("sessions", "sessions + late", before.size(),
                () -> closedSessions(values(sessionsTopic)).stream().mapToLong(Session::events).sum()
                        + lateBeforeFlush(lateTopic));
        List<String> expected = PlainSessions.run(config, partitions, now).sessions().stream()
                .filter(x -> x.sessionEnd() < flushTs).map(Json::writeString).sorted().toList();
        List<String> actual = closedSessions(values(sessionsTopic)).stream().map(Json::writeString).sorted().toList();
        assertThat(Difference.of(expected, actual).describe()).as("sessions vs PlainSessions").isEmpty();
        OUT.printf("sessions: %,d sessions identical to the plain implementation; %,d events each counted once%n",
                actual.size(), before.size());
    }

    /**
     * payments: every order before the flush paid or unpaid exactly once; paid, unpaid and
     * orphaned exactly the plain matching's.
     */
    void assertPaymentsExact(List<EnrichedEvent> before) throws InterruptedException {
        List<String> orders =
                before.stream().filter(e -> e.type() == EventType.ORDER).map(EnrichedEvent::orderId).sorted().toList();
        String paidTopic = config.get(ShopOptions.TOPIC_ORDERS_PAID);
        String unpaidTopic = config.get(ShopOptions.TOPIC_ORDERS_UNPAID);
        diagnostics.awaitOrShowWatermarks("payments to decide every order", Duration.ofSeconds(300),
                () -> decidedOrders(paidTopic, unpaidTopic).size() >= orders.size());
        diagnostics.awaitMoreCheckpoints("payments", 2);
        assertThat(decidedOrders(paidTopic, unpaidTopic)).as("payments: every order paid or unpaid, once").isEqualTo(orders);
        // Exactly the plain implementation's matches: orders, then payments in topic order.
        List<OrderOrPayment> input = new ArrayList<>();
        before.stream().filter(e -> e.type() == EventType.ORDER).forEach(e -> input.add(OrderOrPayment.of(e)));
        var decoder = new InputDecoder<>(new PaymentFormat(), "chaos", 65_536);
        String payments = config.get(ShopOptions.TOPIC_PAYMENTS);
        for (ConsumerRecord<byte[], byte[]> r : OutputTopics.records(cluster.bootstrapServers(), payments)) {
            var parsed = decoder.decode(r.topic(), r.partition(), r.offset(), r.key(), r.value());
            if (parsed.isOk() && parsed.value.ts() < flushTs) {
                input.add(OrderOrPayment.of(parsed.value));
            }
        }
        var expected = PlainPaymentMatching.match(input, config.get(PaymentsOptions.BEFORE_ORDER),
                config.get(PaymentsOptions.AFTER_ORDER));
        assertThat(Difference.of(json(expected.paid()), values(paidTopic)).describe()).as("orders.paid vs oracle").isEmpty();
        List<String> unpaid = values(unpaidTopic).stream().filter(j -> !j.contains("\"flush")).toList();
        assertThat(Difference.of(json(expected.unpaid()), unpaid).describe()).as("orders.unpaid vs oracle").isEmpty();
        assertThat(Difference.of(json(expected.orphaned()), values(config.get(ShopOptions.TOPIC_PAYMENTS_ORPHANED))).describe())
                .as("payments.orphaned vs oracle").isEmpty();
        OUT.printf("payments: %,d orders (%,d paid, %,d unpaid), %,d orphaned payments: identical to the plain"
                        + " implementation%n",
                orders.size(), expected.paid().size(), expected.unpaid().size(), expected.orphaned().size());
    }

    /** Waits until {@code job} has counted {@code events} events and two more checkpoints; asserts it counted that many. */
    private void assertEachEventCountedOnce(String job, String where, long events, LongSupplier counted)
            throws InterruptedException {
        diagnostics.awaitOrShowWatermarks(job + " to account for every event", Duration.ofSeconds(300),
                () -> counted.getAsLong() >= events);
        diagnostics.awaitMoreCheckpoints(job, 2);
        assertThat(counted.getAsLong()).as(job + ": " + where).isEqualTo(events);
    }

    /** The final revisions of the windows that closed before the flush. */
    private List<CategoryStats> closedWindows(List<CategoryStats> revisions) {
        return FinalRevisions.of(revisions).values().stream().filter(s -> s.windowEnd() <= flushTs).toList();
    }

    private List<CategoryStats> stats(String topic) {
        return values(topic).stream().map(j -> read(j, CategoryStats.class)).toList();
    }

    private List<Session> closedSessions(List<String> sessionsJson) {
        return sessionsJson.stream().map(j -> read(j, Session.class)).filter(s -> s.sessionEnd() < flushTs).toList();
    }

    private long lateBeforeFlush(String lateTopic) {
        return values(lateTopic).stream().filter(j -> read(j, EnrichedEvent.class).ts() < flushTs).count();
    }

    private List<String> decidedOrders(String paidTopic, String unpaidTopic) {
        List<String> ids = new ArrayList<>();
        values(paidTopic).forEach(j -> ids.add(read(j, PaidOrder.class).orderId()));
        values(unpaidTopic).forEach(j -> ids.add(read(j, UnpaidOrder.class).orderId()));
        return ids.stream().filter(id -> !id.startsWith("flush")).sorted().toList();
    }

    private List<String> values(String topic) {
        return OutputTopics.values(cluster.bootstrapServers(), topic);
    }

    private static List<String> json(List<?> records) {
        return records.stream().map(Json::writeString).sorted().toList();
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("Not a " + type.getSimpleName() + ": " + json, e);
        }
    }
}
