package io.shopstream.bench.jmh;

import io.shopstream.categorystats.CategoryTotals;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.Product;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record hot paths, so that regressions show: JSON decode of an event, an enriched event
 * (what the downstream jobs read) and a payment, JSON encode of an enriched event, the enrichment
 * lookup, and the category window aggregate.
 * Run: {@code java -cp <bench classpath> org.openjdk.jmh.Main HotPathBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {

    private final InputDecoder<Event> decoder = new InputDecoder<>(new EventFormat(), "bench", 65_536);
    private final InputDecoder<EnrichedEvent> enrichedDecoder =
            new InputDecoder<>(new EnrichedEventFormat(), "bench", 65_536);
    private final InputDecoder<Payment> paymentDecoder = new InputDecoder<>(new PaymentFormat(), "bench", 65_536);
    private final byte[] key = "c-17".getBytes(StandardCharsets.UTF_8);
    private final byte[] eventJson = ("{\"eventId\":\"e-3\",\"type\":\"ORDER\",\"customerId\":\"c-17\",\"productId\":\"p-42\","
            + "\"quantity\":2,\"orderId\":\"o-981\",\"amountCents\":3998,\"ts\":1764238512000}").getBytes(StandardCharsets.UTF_8);
    private final byte[] paymentJson = ("{\"paymentId\":\"pay-1\",\"orderId\":\"o-981\",\"amountCents\":3998,"
            + "\"status\":\"CAPTURED\",\"ts\":1764238530000}").getBytes(StandardCharsets.UTF_8);
    private final Map<String, Product> products = new HashMap<>();
    private final Map<String, Customer> customers = new HashMap<>();
    private Event event;
    private EnrichedEvent enriched;
    private byte[] enrichedJson;
    private CategoryTotals totals;
    private int next;

    @Setup
    public void setUp() {
        for (int i = 0; i < 2000; i++) {
            products.put("p-" + i, new Product("p-" + i, "Product " + i, "cat-" + (i % 20), 100 + i));
        }
        for (int i = 0; i < 20000; i++) {
            customers.put("c-" + i, new Customer("c-" + i, "DE", "gold"));
        }
        event = new Event("e-3", EventType.ORDER, "c-17", "p-42", 2, "o-981", 3998L, 1764238512000L);
        enriched = EnrichedEvent.of(event, products.get("p-42"), customers.get("c-17"));
        enrichedJson = Json.write(enriched);
        totals = new CategoryTotals();
    }

    @Benchmark
    public Parsed<Event> decodeEvent() {
        return decoder.decode("shop.events", 0, 0, key, eventJson);
    }

    @Benchmark
    public Parsed<EnrichedEvent> decodeEnrichedEvent() {
        return enrichedDecoder.decode("shop.events.enriched", 0, 0, key, enrichedJson);
    }

    @Benchmark
    public Parsed<Payment> decodePayment() {
        return paymentDecoder.decode("shop.payments", 0, 0, key, paymentJson);
    }

    @Benchmark
    public byte[] encodeEnrichedEvent() {
        return Json.write(enriched);
    }

    @Benchmark
    public EnrichedEvent enrichmentLookup() {
        int i = next++ & 1023;
        return EnrichedEvent.of(event, products.get("p-" + (i % 2000)), customers.get("c-" + i));
    }

    @Benchmark
    public CategoryTotals aggregateIntoWindow() {
        // A window sees many events; reset now and then so the customer set stays bounded.
        if ((next++ & 4095) == 0) {
            totals = new CategoryTotals();
        }
        return totals.add(enriched);
    }
}
