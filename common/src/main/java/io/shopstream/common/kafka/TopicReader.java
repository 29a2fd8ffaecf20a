package io.shopstream.common.kafka;

import io.shopstream.common.config.KafkaClientProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from the beginning up to its current end, read_committed, with a plain Kafka
 * consumer (no group, no offsets committed). Used by the plain implementations and the tests.
 */
public final class TopicReader {

    /**
     * How long closing a reader may take. It commits nothing and leaves no group, so there is
     * nothing to wait for; Kafka's default (30 s) only delays the caller when the broker is slow
     * to answer the fetch session's close, as seen in tests on a loaded machine.
     */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private TopicReader() {}

    /**
     * Feeds every committed record of {@code topic}, partition by partition in offset order per poll,
     * to {@code handler}. {@code client} holds the bootstrap servers and any client properties
     * (security), as {@code JobConfig.kafkaProperties()} gives them.
     */
    public static void readToEnd(Properties client, String topic, Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readCommittedProperties(client));
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s reading " + topic);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
            }
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /** {@link #readToEnd(Properties, String, Duration, Consumer)} from a PLAINTEXT broker, such as the suite's own. */
    public static void readToEnd(String bootstrapServers, String topic, Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        readToEnd(plaintext(bootstrapServers), topic, timeout, handler);
    }

    public static void readToEnd(Properties client, String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        readToEnd(client, topic, Duration.ofSeconds(TimeUnit.MINUTES.toSeconds(10)), handler);
    }

    public static void readToEnd(String bootstrapServers, String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        readToEnd(plaintext(bootstrapServers), topic, handler);
    }

    /**
     * How many committed records of {@code topic} the consumer group {@code groupId} has not
     * committed yet (its lag; a partition without a committed offset counts in full). Flink's
     * Kafka source commits its checkpointed offsets, so zero means a completed checkpoint has
     * read the whole topic.
     */
    public static long lag(String bootstrapServers, String groupId, String topic) {
        Properties props = readCommittedProperties(bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            var committed = consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(30));
            long lag = 0;
            for (TopicPartition tp : partitions) {
                var c = committed.get(tp);
                lag += end.get(tp) - (c == null ? 0 : c.offset());
            }
            return lag;
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * A plain consumer's settings for reading committed output: byte arrays, read_committed, no
     * offsets committed (callers assign partitions and seek themselves). Shared by this class, the
     * embedded run's output watcher and the cluster measurement's timeline.
     */
    public static Properties readCommittedProperties(String servers) {
        return readCommittedProperties(plaintext(servers));
    }

    /** {@link #readCommittedProperties(String)} on top of a client's base settings (servers, security). */
    public static Properties readCommittedProperties(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return props;
    }

    private static Properties plaintext(String servers) {
        return KafkaClientProperties.none().withBootstrapServers(servers);
    }
}
