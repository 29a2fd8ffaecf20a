package io.shopstream.common.kafka;

import io.shopstream.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an output record as JSON under the contract's key. The Kafka timestamp is left to the
 * producer (write time): event time lives in the JSON, and stamping records with event time would
 * let one far-future event make the broker reject a whole transaction.
 */
final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final KeySelector<T, String> key;

    JsonRecordSerializer(String topic, KeySelector<T, String> key) {
        this.topic = topic;
        this.key = key;
    }

    /** The topic written to: the sink's POOLING transaction naming lists transactions by it. */
    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k;
        try {
            k = key.getKey(element);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot compute the key of " + element, e);
        }
        byte[] keyBytes = k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, keyBytes, Json.write(element));
    }
}
