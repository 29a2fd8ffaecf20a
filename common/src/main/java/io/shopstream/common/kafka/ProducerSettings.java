package io.shopstream.common.kafka;

import io.shopstream.common.config.KafkaClientProperties;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of every plain (non-Flink) Kafka producer in the suite: the generator, the plain
 * enrich loop, the test kit, the chaos test and the cluster measurement. Records are byte
 * arrays; writes are idempotent with {@code acks=all}, so a retry never duplicates a record
 * and every test's exact comparison holds. The Flink jobs' sinks are configured in
 * {@link KafkaIO} (transactional, exactly-once).
 */
public final class ProducerSettings {

    /** Room for the generator's deliberately TOO_LARGE records (beyond the contract's limit). */
    private static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;

    private ProducerSettings() {}

    /** Idempotent, {@code acks=all}, byte-array keys and values, 5 ms linger, to a PLAINTEXT broker such as the suite's own. */
    public static Properties idempotent(String bootstrapServers) {
        return idempotent(KafkaClientProperties.none().withBootstrapServers(bootstrapServers));
    }

    /**
     * {@link #idempotent(String)} on top of a client's base settings: the bootstrap servers and
     * the user's client properties (security), as {@code JobConfig.kafkaProperties()} gives them.
     */
    public static Properties idempotent(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_REQUEST_BYTES));
        return props;
    }

    /** {@link #idempotent} with a client id, which names the producer in the broker's logs and metrics. */
    public static Properties idempotent(Properties client, String clientId) {
        Properties props = idempotent(client);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
