package io.shopstream.testkit;

import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Input for the jobs that read {@code shop.events.enriched} (category-stats, sessions): seeded
 * random enriched events per partition, written straight into the topic, and the helpers to run
 * such a job to a known end (all input consumed, then stop with drain).
 */
public final class EnrichedInput {

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
     * Waits until the consumer group has committed (on a completed checkpoint) the end offset of
     * every partition of {@code topic}: the job has read everything and checkpointed after it.
     */
    public static void awaitConsumed(EmbeddedKafka kafka, String groupId, String topic, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = kafka.admin()) {
            while (true) {
                int count = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
                for (int p = 0; p < count; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                Map<TopicPartition, Long> end = admin.listOffsets(latest).all().get().entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                boolean done = end.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Job did not consume " + topic + " in time: end " + end
                            + ", committed " + committed);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Stops the job with a savepoint; {@code drain} first advances event time to the end (all windows fire). */
    public static String stop(JobClient job, boolean drain, String savepointDir) throws Exception {
        return job.stopWithSavepoint(drain, savepointDir, SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    }
}
