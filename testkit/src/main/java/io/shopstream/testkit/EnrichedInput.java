package io.shopstream.testkit;

import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Input for the jobs that read {@code shop.events.enriched} (category-stats, sessions): seeded
 * random enriched events per partition, written straight into the topic. {@link JobTestbed} runs
 * such a job to a known end (all input consumed, then stop with drain).
 */
public final class EnrichedInput {

    /** The ids of {@link #withOddities}' oddities, sorted: the late topics must hold exactly these. */
    public static final List<String> ODDITIES = List.of("from-2099", "late-2h");

    private EnrichedInput() {}

    /** One enriched event; ORDERs get an order id, a quantity and an amount. */
    public static EnrichedEvent event(String eventId, EventType type, String customerId, String category, long ts) {
        boolean order = type == EventType.ORDER;
        int quantity = order ? 1 + Math.floorMod(eventId.hashCode(), 3) : 1;
        return new EnrichedEvent(eventId, type, customerId, "p-" + category, quantity, order ? "o-" + eventId : null,
                order ? 1000L * quantity + Math.floorMod(eventId.hashCode(), 999) : null, ts, category, "Product",
                1000L, "DE", "gold", Enrichment.COMPLETE);
    }

    /**
     * Seeded events for {@code partitions} partitions; each customer lives in one partition (as
     * with the topic's customerId key). Event time is one clock for the whole topic, as in a shop
     * whose events all happen in the same world: the n-th event of every partition lies within
     * {@code disorderMs} behind a shared time that moves forward by a random step (mean {@code
     * meanStepMs}) per n. So the disorder of the whole topic, whatever order its partitions are
     * read in slice by slice, stays within an out-of-orderness bound of {@code disorderMs}; with a
     * time of its own per partition the partitions would drift apart by more than any bound, and
     * a job's output would depend on which partition it happened to read first.
     */
    public static List<List<EnrichedEvent>> random(long seed, int partitions, int eventsPerPartition, int customers,
            int categories, long startTs, long meanStepMs, long disorderMs) {
        Random random = new Random(seed);
        List<List<EnrichedEvent>> result = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            result.add(new ArrayList<>());
        }
        long base = startTs;
        for (int i = 0; i < eventsPerPartition; i++) {
            base += (long) (random.nextDouble() * 2 * meanStepMs);
            for (int p = 0; p < partitions; p++) {
                long ts = base - (disorderMs == 0 ? 0 : (long) (random.nextDouble() * disorderMs));
                // Customers c-<p>-<n>: a few busy ones and a long tail, so sessions vary.
                int n = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(Math.max(1, customers / partitions));
                int r = random.nextInt(10);
                EventType type = r < 6 ? EventType.VIEW : r < 9 ? EventType.ADD_TO_CART : EventType.ORDER;
                result.get(p).add(event("e-" + p + "-" + i, type, "c-" + p + "-" + n, "cat-" + random.nextInt(categories), ts));
            }
        }
        return result;
    }

    /**
     * Writes events to the given partitions (list index = partition), keyed by customer id, in
     * list order, and fails unless every one of them was written.
     */
    public static void write(EmbeddedKafka kafka, String topic, List<List<EnrichedEvent>> partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < partitions.size(); p++) {
            for (EnrichedEvent e : partitions.get(p)) {
                records.add(new ProducerRecord<>(topic, p, e.customerId().getBytes(StandardCharsets.UTF_8), Json.write(e)));
            }
        }
        send(kafka, records);
    }

    /** Writes a raw value (for example a bad record) to one partition. */
    public static void writeRaw(EmbeddedKafka kafka, String topic, int partition, String key, String value) {
        send(kafka, List.of(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8))));
    }

    private static void send(EmbeddedKafka kafka, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ProducerSettings.idempotent(kafka.bootstrapServers()))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Test input could not be written to Kafka", e);
        }
    }

    /** Events {@code from} (inclusive) to {@code to} (exclusive) of every partition. */
    public static List<List<EnrichedEvent>> slice(List<List<EnrichedEvent>> partitions, int from, int to) {
        return partitions.stream()
                .map(p -> p.subList(Math.min(from, p.size()), Math.min(to, p.size())))
                .collect(Collectors.toList());
    }

    /**
     * Seeded input ({@link #random}: 4 partitions, 240 customers, 8 categories, 400 ms apart,
     * disorder within 4 s) with two oddities in the second half: {@code late-2h}, an order 2 h
     * behind the stream in partition 1, and {@code from-2099}, a view from the future in partition 2.
     */
    public static List<List<EnrichedEvent>> withOddities(long seed, int perPartition, long t0) {
        List<List<EnrichedEvent>> result = new ArrayList<>();
        for (List<EnrichedEvent> p : random(seed, 4, perPartition, 240, 8, t0, 400, 4_000)) {
            result.add(new ArrayList<>(p));
        }
        int mid = perPartition * 3 / 4;
        EnrichedEvent anchor = result.get(1).get(mid);
        result.get(1).add(mid,
                event("late-2h", EventType.ORDER, anchor.customerId(), "cat-1", anchor.ts() - 7_200_000));
        EnrichedEvent future = result.get(2).get(mid);
        result.get(2).add(mid, event("from-2099", EventType.VIEW, future.customerId(), "cat-2",
                Instant.parse("2099-06-01T00:00:00Z").toEpochMilli()));
        return result;
    }

    /**
     * Writes events {@code from} onwards in {@code chunks} slices 250 ms apart, so that checkpoints
     * complete in between (the pace of the feed, not a wait).
     */
    public static void writePaced(EmbeddedKafka kafka, String topic, List<List<EnrichedEvent>> input, int from,
            int chunks) throws InterruptedException {
        int longest = input.stream().mapToInt(List::size).max().orElse(0);
        for (int c = 0; c < chunks; c++) {
            int a = from + (longest - from) * c / chunks;
            int b = from + (longest - from) * (c + 1) / chunks;
            write(kafka, topic, slice(input, a, b));
            Thread.sleep(250);
        }
    }

    /** The events' ids, sorted. */
    public static List<String> ids(List<EnrichedEvent> events) {
        return events.stream().map(EnrichedEvent::eventId).sorted().toList();
    }
}
