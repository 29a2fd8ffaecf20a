package io.shopstream.common.kafka;

import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Parsed;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes each Kafka record inside the source, so that per-partition watermarks see event times.
 * Never throws: a bad record becomes a {@link Parsed} dead letter.
 */
final class DecodingDeserializer<T> implements KafkaRecordDeserializationSchema<Parsed<T>> {

    private static final long serialVersionUID = 1L;

    private final InputDecoder<T> decoder;
    private final TypeInformation<Parsed<T>> producedType;

    DecodingDeserializer(InputDecoder<T> decoder, TypeInformation<T> valueType) {
        this.decoder = decoder;
        this.producedType = Parsed.typeInfo(valueType);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Parsed<T>> out) {
        out.collect(decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value()));
    }

    @Override
    public TypeInformation<Parsed<T>> getProducedType() {
        return producedType;
    }
}
