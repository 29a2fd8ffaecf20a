package io.shopstream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.PaymentStatus;
import io.shopstream.common.model.ProductUpdate;
import io.shopstream.generator.GeneratorStats.PaymentKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class ShopGeneratorTest {

    private static final int MAX_BYTES = 65_536;

    private static List<GeneratedRecord> generate(GeneratorSettings settings) {
        List<GeneratedRecord> records = new ArrayList<>();
        new ShopGenerator(settings).forEachRemaining(records::add);
        return records;
    }

    private static GeneratorSettings settings(String... args) {
        return GeneratorSettings.fromArgs(args);
    }

    @Test
    void sameSettingsGiveTheSameBytes() {
        GeneratorSettings s = settings("--events", "5000", "--late-fraction", "0.01");
        assertThat(generate(s)).isEqualTo(generate(s));
    }

    @Test
    void anotherSeedGivesOtherData() {
        List<GeneratedRecord> a = generate(settings("--events", "2000"));
        List<GeneratedRecord> b = generate(settings("--events", "2000", "--seed", "43"));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void writesExactlyTheRequestedNumberOfEventRecordsThenItsPayments() {
        ShopGenerator generator = new ShopGenerator(settings("--events", "3000"));
        List<GeneratedRecord> records = new ArrayList<>();
        generator.forEachRemaining(records::add);
        assertThat(records.stream().filter(r -> r.stream() == Stream.EVENTS)).hasSize(3000);
        assertThat(generator.stats().records(Stream.EVENTS)).isEqualTo(3000);
        assertThat(generator.stats().total()).isEqualTo(records.size());
        // Reference data comes first.
        int firstEvent = indexOf(records, Stream.EVENTS);
        assertThat(records.subList(0, firstEvent))
                .allMatch(r -> r.stream() == Stream.PRODUCTS || r.stream() == Stream.CUSTOMERS);
        assertThat(records.subList(firstEvent, records.size()))
                .allMatch(r -> r.stream() == Stream.EVENTS || r.stream() == Stream.PAYMENTS);
    }

    @Test
    void everyDeadLetterReasonAppearsAndDecodesToExactlyThatReason() {
        ShopGenerator generator = new ShopGenerator(settings("--events", "20000"));
        List<GeneratedRecord> records = new ArrayList<>();
        generator.forEachRemaining(records::add);
        GeneratorStats stats = generator.stats();

        Map<Stream, Map<DeadLetterReason, Long>> decoded = new EnumMap<>(Stream.class);
        for (GeneratedRecord r : records) {
            Parsed<?> parsed = decode(r);
            if (!parsed.isOk()) {
                decoded.computeIfAbsent(r.stream(), s -> new EnumMap<>(DeadLetterReason.class))
                        .merge(parsed.deadLetter.reason(), 1L, Long::sum);
            }
        }
        assertThat(decoded.get(Stream.EVENTS).keySet()).containsExactlyInAnyOrder(DeadLetterReason.values());
        for (Stream stream : Stream.values()) {
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                long got = decoded.getOrDefault(stream, Map.of()).getOrDefault(reason, 0L);
                assertThat(got).as(stream + " " + reason).isEqualTo(stats.malformed(stream, reason));
            }
        }
        assertThat(stats.malformed(Stream.PAYMENTS)).isPositive();
        assertThat(stats.malformed(Stream.PRODUCTS)).isPositive();
        assertThat(stats.malformed(Stream.CUSTOMERS)).isPositive();
        // About 1 % of the events topic, spread over all reasons.
        assertThat(stats.malformed(Stream.EVENTS)).isBetween(140L, 260L);
    }

    @Test
    void onTimeEventsStayWithinTheDisorderBoundAndLateOnesAreExactlyThatLate() {
        GeneratorSettings s = settings("--events", "20000", "--late-fraction", "0.01", "--out-of-order", "3 s");
        ShopGenerator generator = new ShopGenerator(s);
        long[] maxTs = {Long.MIN_VALUE};
        long[] late = {0};
        long[] valid = {0};
        forEachValidEvent(generator, (r, e) -> {
            valid[0]++;
            long ts = e.ts();
            if (maxTs[0] != Long.MIN_VALUE && maxTs[0] - ts > s.outOfOrderMs()) {
                assertThat(maxTs[0] - ts).isEqualTo(s.outOfOrderMs() + s.lateByMs());
                late[0]++;
            }
            assertThat(ts).isGreaterThanOrEqualTo(s.startTs() - s.outOfOrderMs() - s.lateByMs());
            maxTs[0] = Math.max(maxTs[0], ts);
        });
        assertThat(late[0]).isEqualTo(generator.stats().late()).isPositive();
        assertThat(valid[0]).isEqualTo(generator.stats().validEvents() + generator.stats().duplicates());
        // The event time advances by the step on average.
        assertThat(maxTs[0] - s.startTs()).isBetween(20000 * 45L, 20000 * 55L);
    }

    @Test
    void duplicatesRepeatAnEarlierEventOfTheSameCustomerWithTheSameTs() {
        ShopGenerator generator = new ShopGenerator(settings("--events", "20000"));
        Map<String, Event> firstById = new HashMap<>();
        long[] duplicates = {0};
        forEachValidEvent(generator, (r, e) -> {
            assertThat(r.keyText()).isEqualTo(e.customerId());
            Event first = firstById.putIfAbsent(e.eventId(), e);
            if (first != null) {
                duplicates[0]++;
                assertThat(first.customerId()).isEqualTo(e.customerId());
                assertThat(first.ts()).isEqualTo(e.ts());
                assertThat(first).isEqualTo(e);
            }
        });
        assertThat(duplicates[0]).isEqualTo(generator.stats().duplicates()).isBetween(250L, 450L);
    }

    @Test
    void statsMatchWhatTheRecordsDecodeTo() {
        ShopGenerator generator = new ShopGenerator(settings("--events", "20000", "--late-fraction", "0.005"));
        List<GeneratedRecord> records = new ArrayList<>();
        generator.forEachRemaining(records::add);
        GeneratorStats stats = generator.stats();

        Set<String> products = new HashSet<>();
        Set<String> customers = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        Map<EventType, Long> byType = new EnumMap<>(EventType.class);
        Map<String, Long> orderAmounts = new HashMap<>();
        Set<String> paidOrders = new HashSet<>();
        Map<PaymentKind, Long> payments = new EnumMap<>(PaymentKind.class);
        long unknownProducts = 0;
        long unknownCustomers = 0;
        long iso = 0;
        for (GeneratedRecord r : records) {
            Parsed<?> parsed = decode(r);
            if (!parsed.isOk()) {
                continue;
            }
            switch (r.stream()) {
                case PRODUCTS -> products.add(((ProductUpdate) parsed.value).productId());
                case CUSTOMERS -> customers.add(r.keyText());
                case EVENTS -> {
                    Event e = (Event) parsed.value;
                    if (!eventIds.add(e.eventId())) {
                        continue; // a duplicate
                    }
                    byType.merge(e.type(), 1L, Long::sum);
                    unknownProducts += products.contains(e.productId()) ? 0 : 1;
                    unknownCustomers += customers.contains(e.customerId()) ? 0 : 1;
                    iso += json(r).get("ts").isTextual() ? 1 : 0;
                    if (e.type() == EventType.ORDER) {
                        orderAmounts.put(e.orderId(), e.amountCents());
                    }
                }
                case PAYMENTS -> {
                    Payment p = (Payment) parsed.value;
                    assertThat(r.keyText()).isEqualTo(p.orderId());
                    PaymentKind kind;
                    if (p.status() == PaymentStatus.FAILED) {
                        kind = PaymentKind.FAILED;
                    } else if (p.status() == PaymentStatus.AUTHORIZED) {
                        kind = PaymentKind.AUTHORIZED;
                    } else if (!orderAmounts.containsKey(p.orderId())) {
                        kind = PaymentKind.ORPHAN;
                    } else if (!paidOrders.add(p.orderId())) {
                        kind = PaymentKind.CAPTURED_DUPLICATE;
                    } else {
                        kind = orderAmounts.get(p.orderId()) == p.amountCents()
                                ? PaymentKind.CAPTURED
                                : PaymentKind.CAPTURED_MISMATCH;
                    }
                    payments.merge(kind, 1L, Long::sum);
                }
            }
        }
        assertThat(products).hasSize(200);
        assertThat(customers).hasSize(1000);
        assertThat(stats.records(Stream.PRODUCTS) - stats.malformed(Stream.PRODUCTS)).isEqualTo(200);
        for (EventType type : EventType.values()) {
            assertThat(byType.getOrDefault(type, 0L)).as(type.toString()).isEqualTo(stats.validEvents(type));
        }
        assertThat(unknownProducts).isEqualTo(stats.unknownProducts()).isPositive();
        assertThat(unknownCustomers).isEqualTo(stats.unknownCustomers()).isPositive();
        assertThat(iso).isEqualTo(stats.isoTimestamps()).isPositive();
        for (PaymentKind kind : PaymentKind.values()) {
            assertThat(payments.getOrDefault(kind, 0L)).as(kind.toString()).isEqualTo(stats.payments(kind));
            assertThat(stats.payments(kind)).as(kind.toString()).isPositive();
        }
        // Roughly the configured shares.
        assertThat(stats.validEvents(EventType.ORDER) / (double) stats.validEvents()).isBetween(0.04, 0.06);
        assertThat(paidOrders.size() / (double) stats.validEvents(EventType.ORDER)).isBetween(0.8, 0.9);
        assertThat(stats.toString()).contains("events", "payments", "ORDER", "MALFORMED_JSON");
    }

    @Test
    void paymentsArriveAfterTheirOrderInsideTheMatchingWindow() {
        ShopGenerator generator = new ShopGenerator(settings("--events", "10000"));
        Map<String, Long> orderTs = new HashMap<>();
        while (generator.hasNext()) {
            GeneratedRecord r = generator.next();
            Parsed<?> parsed = decode(r);
            if (!parsed.isOk()) {
                continue;
            }
            if (parsed.value instanceof Event e && e.type() == EventType.ORDER) {
                orderTs.put(e.orderId(), e.ts());
            } else if (parsed.value instanceof Payment p && !p.orderId().startsWith("o-orphan-")) {
                assertThat(orderTs).containsKey(p.orderId());
                assertThat(p.ts()).isBetween(orderTs.get(p.orderId()) - Duration.ofMinutes(5).toMillis(),
                        orderTs.get(p.orderId()) + Duration.ofMinutes(15).toMillis());
            }
        }
    }

    @Test
    void parsesSettingsAndRejectsUnknownKeys() {
        GeneratorSettings s = settings("--seed", "7", "--duration", "30s", "--rate=200", "--start-ts",
                "2025-11-27T11:00:00Z", "--skew", "0");
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.rate()).isEqualTo(200);
        assertThat(s.startTs()).isEqualTo(GeneratorSettings.DEFAULT_START_TS + 3_600_000);
        assertThat(settings("--duration", "PT2M").duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(GeneratorSettings.defaults().events()).isEqualTo(10_000);
        // Flink's duration syntax: a bare number is milliseconds.
        assertThat(settings("--late-by", "1500").lateByMs()).isEqualTo(1500);
        assertThat(settings("--event-time-step", "2 s").eventTimeStepMs()).isEqualTo(2000);
        assertThat(settings("--start-ts", "1764237600000").startTs()).isEqualTo(1_764_237_600_000L);
        assertThatThrownBy(() -> settings("--start-ts", "yesterday"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'start-ts'");
        assertThatThrownBy(() -> settings("--sede", "7"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'sede': did you mean 'seed'?");
        assertThatThrownBy(() -> settings("--late-fraction", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("late-fraction");
        assertThatThrownBy(() -> settings("--events", "many"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events");
    }

    @Test
    void commandLineSplitsKafkaOptionsFromGeneratorOptions() {
        GeneratorMain.Options o = GeneratorMain.parse("--kafka.bootstrap-servers", "127.0.0.1:9999",
                "--topics.events", "my.events", "--rate", "5");
        assertThat(o.bootstrapServers()).isEqualTo("127.0.0.1:9999");
        assertThat(o.topics().events()).isEqualTo("my.events");
        assertThat(o.topics().payments()).isEqualTo("shop.payments");
        assertThat(o.settings().rate()).isEqualTo(5);
        assertThatThrownBy(() -> GeneratorMain.parse("--topics.enriched", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topics.enriched");
    }

    @Test
    void aMisspeltKeyFailsWithTheLikelyOne() {
        assertThatThrownBy(() -> GeneratorMain.parse("--evnts", "5"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown option 'evnts': did you mean 'events'? (see --help)");
        assertThatThrownBy(() -> GeneratorMain.parse("--kafka.bootstrap-server", "b:9092"))
                .hasMessageContaining("did you mean 'kafka.bootstrap-servers'?");
    }

    @Test
    void helpListsEveryOption() {
        String usage = GeneratorMain.usage();
        for (var option : GeneratorMain.OPTIONS) {
            assertThat(usage).contains("--" + option.key() + " ");
        }
        assertThat(GeneratorMain.OPTIONS).hasSize(GeneratorOptions.DATA.size() + GeneratorOptions.KAFKA.size());
        assertThat(usage).contains("--kafka.properties.<client key>");
    }

    @Test
    void commandLineTakesKafkaClientPropertiesAndChecksTheirKeys() {
        GeneratorMain.Options o = GeneratorMain.parse("--kafka.properties.security.protocol", "SASL_SSL",
                "--kafka.properties.sasl.mechanism=SCRAM-SHA-512", "--rate", "5");
        assertThat(o.client().asMap())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(o.settings().rate()).isEqualTo(5);
        assertThatThrownBy(() -> GeneratorMain.parse("--kafka.properties.sasl.mechansim", "PLAIN"))
                .hasMessageContaining("Unknown Kafka client property 'sasl.mechansim'")
                .hasMessageContaining("did you mean 'sasl.mechanism'");
    }

    // ---- helpers ----

    /** Runs the generator to its end, handing each valid record of the events topic to {@code check}. */
    private static void forEachValidEvent(ShopGenerator generator, BiConsumer<GeneratedRecord, Event> check) {
        while (generator.hasNext()) {
            GeneratedRecord r = generator.next();
            if (r.stream() == Stream.EVENTS) {
                Parsed<?> parsed = decode(r);
                if (parsed.isOk()) {
                    check.accept(r, (Event) parsed.value);
                }
            }
        }
    }

    private static Parsed<?> decode(GeneratedRecord r) {
        RecordFormat<?> format = switch (r.stream()) {
            case PRODUCTS -> new ProductFormat();
            case CUSTOMERS -> new CustomerFormat();
            case EVENTS -> new EventFormat();
            case PAYMENTS -> new PaymentFormat();
        };
        return new InputDecoder<>(format, "test", MAX_BYTES).decode("topic", 0, 0, r.key(), r.value());
    }

    private static JsonNode json(GeneratedRecord r) {
        try {
            return Json.MAPPER.readTree(r.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(List<GeneratedRecord> records, Stream stream) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).stream() == stream) {
                return i;
            }
        }
        return -1;
    }
}
