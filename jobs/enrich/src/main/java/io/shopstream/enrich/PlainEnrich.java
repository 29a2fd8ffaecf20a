package io.shopstream.enrich;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.common.model.Customer;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.Product;
import io.shopstream.common.model.ProductUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The {@code enrich} semantics as a plain single-threaded loop (parse, de-duplicate, enrich,
 * write), without Flink. It is the oracle of the randomized tests and the single-node baseline
 * of the benchmarks.
 *
 * <p>It loads the reference topics first, so an event whose product or customer is unknown is
 * marked at once: the outcome the job reaches after {@code enrich.max-wait}. Duplicate ids are
 * remembered for the whole run (the job forgets them once the watermark passes the horizon; the
 * two agree on input whose disorder stays within the out-of-orderness bound). The job forgets
 * the id of an event from the future after the horizon of wall-clock time instead; the two agree
 * unless a retry of such an event comes more than that later.
 */
public final class PlainEnrich {

    private final InputDecoder<Event> events;
    private final InputDecoder<ProductUpdate> products;
    private final InputDecoder<CustomerUpdate> customers;
    private final long horizonMs;

    private final Map<String, Product> productTable = new HashMap<>();
    private final Map<String, Customer> customerTable = new HashMap<>();
    private final Map<String, Map<String, Long>> firstTsByCustomerAndId = new HashMap<>();

    private long read;
    private long referenceUpdates;
    private long enriched;
    private long deadLettered;
    private long duplicates;

    public PlainEnrich(JobConfig config) {
        int maxBytes = config.get(ShopOptions.MAX_RECORD_BYTES);
        this.events = new InputDecoder<>(new EventFormat(), EnrichJob.NAME, maxBytes);
        this.products = new InputDecoder<>(new ProductFormat(), EnrichJob.NAME, maxBytes);
        this.customers = new InputDecoder<>(new CustomerFormat(), EnrichJob.NAME, maxBytes);
        this.horizonMs = config.get(EnrichOptions.DUPLICATE_HORIZON).toMillis();
    }

    /** Where the loop's results go. */
    public interface Output {
        void enriched(EnrichedEvent event);

        void deadLetter(DeadLetter deadLetter);
    }

    /** Applies one product record (update, tombstone, or bad record). */
    public void onProduct(String topic, int partition, long offset, byte[] key, byte[] value, Output out) {
        read++;
        Parsed<ProductUpdate> p = products.decode(topic, partition, offset, key, value);
        if (!p.isOk()) {
            deadLetter(p.deadLetter, out);
        } else if (p.value.isDelete()) {
            referenceUpdates++;
            productTable.remove(p.value.productId());
        } else {
            referenceUpdates++;
            productTable.put(p.value.productId(), p.value.product());
        }
    }

    /** Applies one customer record (update, tombstone, or bad record). */
    public void onCustomer(String topic, int partition, long offset, byte[] key, byte[] value, Output out) {
        read++;
        Parsed<CustomerUpdate> c = customers.decode(topic, partition, offset, key, value);
        if (!c.isOk()) {
            deadLetter(c.deadLetter, out);
        } else if (c.value.isDelete()) {
            referenceUpdates++;
            customerTable.remove(c.value.customerId());
        } else {
            referenceUpdates++;
            customerTable.put(c.value.customerId(), c.value.customer());
        }
    }

    /** Processes one event record: dead letter, dropped duplicate, or enriched event. */
    public void onEvent(String topic, int partition, long offset, byte[] key, byte[] value, Output out) {
        read++;
        Parsed<Event> parsed = events.decode(topic, partition, offset, key, value);
        if (!parsed.isOk()) {
            deadLetter(parsed.deadLetter, out);
            return;
        }
        Event e = parsed.value;
        Map<String, Long> seen = firstTsByCustomerAndId.computeIfAbsent(e.customerId(), c -> new HashMap<>());
        Long first = seen.get(e.eventId());
        if (first != null && e.ts() < first + horizonMs) {
            duplicates++;
            return;
        }
        seen.put(e.eventId(), e.ts());
        enriched++;
        out.enriched(EnrichedEvent.of(e, productTable.get(e.productId()), customerTable.get(e.customerId())));
    }

    private void deadLetter(DeadLetter dl, Output out) {
        deadLettered++;
        out.deadLetter(dl);
    }

    public long recordsRead() {
        return read;
    }

    /** Product and customer records applied (updates and tombstones). */
    public long referenceUpdatesApplied() {
        return referenceUpdates;
    }

    public long enrichedCount() {
        return enriched;
    }

    public long deadLetteredCount() {
        return deadLettered;
    }

    public long duplicatesDropped() {
        return duplicates;
    }

    /** Results collected in memory. */
    public static final class Collected implements Output {
        public final List<EnrichedEvent> enriched = new ArrayList<>();
        public final List<DeadLetter> deadLetters = new ArrayList<>();

        @Override
        public void enriched(EnrichedEvent event) {
            enriched.add(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            deadLetters.add(deadLetter);
        }
    }

    /**
     * Reads the reference topics, then the event topic, each up to its current end, and feeds
     * them through the loop: the oracle over what is in Kafka now.
     */
    public void consumeToEnd(JobConfig config, Output out) {
        Properties servers = config.kafkaProperties();
        TopicReader.readToEnd(servers, config.get(ShopOptions.TOPIC_PRODUCTS),
                r -> onProduct(r.topic(), r.partition(), r.offset(), r.key(), r.value(), out));
        TopicReader.readToEnd(servers, config.get(ShopOptions.TOPIC_CUSTOMERS),
                r -> onCustomer(r.topic(), r.partition(), r.offset(), r.key(), r.value(), out));
        TopicReader.readToEnd(servers, config.get(ShopOptions.TOPIC_EVENTS),
                r -> onEvent(r.topic(), r.partition(), r.offset(), r.key(), r.value(), out));
    }

    /**
     * The single-node baseline: reads what is in the input topics now and writes the enriched
     * events and dead letters to the output topics (idempotent producer, not transactional), then
     * prints the accounting.
     */
    public static void main(String[] args) {
        JobConfig config = JobConfig.fromArgs("enrich-plain", EnrichOptions.ALL, new Configuration(), args);
        config.print(System.out);
        long start = System.nanoTime();
        PlainEnrich loop = toKafka(config);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("read %d = reference updates %d + enriched %d + dead-lettered %d + duplicates %d,"
                        + " in %.1f s (%.0f records/s)%n",
                loop.recordsRead(), loop.referenceUpdatesApplied(), loop.enrichedCount(), loop.deadLetteredCount(), loop.duplicatesDropped(),
                seconds, loop.recordsRead() / seconds);
    }

    /**
     * One Kafka-to-Kafka pass of the loop ({@link #main} without the printing; the cluster
     * measurement times it): returns after the producer's close, which waits for every send.
     */
    public static PlainEnrich toKafka(JobConfig config) {
        return toKafka(config, () -> {});
    }

    /** {@link #toKafka(JobConfig)}, calling {@code onEnriched} after each enriched record is handed to the producer. */
    public static PlainEnrich toKafka(JobConfig config, Runnable onEnriched) {
        Properties props = ProducerSettings.idempotent(config.kafkaProperties(), "shopstream-enrich-plain");
        PlainEnrich loop = new PlainEnrich(config);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            String enrichedTopic = config.get(ShopOptions.TOPIC_ENRICHED);
            String dlqTopic = config.get(ShopOptions.TOPIC_DLQ);
            loop.consumeToEnd(config, new Output() {
                @Override
                public void enriched(EnrichedEvent event) {
                    producer.send(new ProducerRecord<>(enrichedTopic, utf8(event.customerId()), Json.write(event)));
                    onEnriched.run();
                }

                @Override
                public void deadLetter(DeadLetter dl) {
                    producer.send(new ProducerRecord<>(dlqTopic, utf8(dl.key()), Json.write(dl)));
                }
            });
        }
        return loop;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
