package io.shopstream.common.kafka;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.RecordFormat;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The suite's one way to read from and write to Kafka. */
public final class KafkaIO {

    private KafkaIO() {}

    /**
     * A source that decodes every record of {@code topic} into a {@link Parsed} value. It reads
     * only committed data, resumes from the offsets in the checkpoint (or the group's committed
     * offsets, or the earliest on a first start), and commits offsets on checkpoints for
     * monitoring only.
     */
    public static <T> KafkaSource<Parsed<T>> source(
            JobConfig config, String topic, RecordFormat<T> format, TypeInformation<T> valueType) {
        InputDecoder<T> decoder = new InputDecoder<>(format, config.job(), config.get(ShopOptions.MAX_RECORD_BYTES));
        return KafkaSource.<Parsed<T>>builder()
                .setBootstrapServers(config.get(ShopOptions.BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setGroupId(config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + config.job())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new DecodingDeserializer<>(decoder, valueType))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("partition.discovery.interval.ms", "60000")
                .setProperty("client.id.prefix", config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + config.job() + "-" + topic)
                .build();
    }

    /** Adds a decoding Kafka source to the job with a stable uid and a readable name. */
    public static <T> DataStream<Parsed<T>> read(
            StreamExecutionEnvironment env,
            JobConfig config,
            String topic,
            RecordFormat<T> format,
            TypeInformation<T> valueType,
            WatermarkStrategy<Parsed<T>> watermarks) {
        return env.fromSource(source(config, topic, format, valueType), watermarks, "Kafka: " + topic)
                .uid("source-" + topic)
                .returns(Parsed.typeInfo(valueType));
    }

    /**
     * An exactly-once sink (Kafka transactions committed on checkpoints) that writes JSON values
     * keyed by {@code key}. The transactional id prefix is unique per job and output.
     */
    public static <T> KafkaSink<T> exactlyOnceSink(JobConfig config, String topic, KeySelector<T, String> key) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(ShopOptions.BOOTSTRAP_SERVERS))
                .setRecordSerializer(new JsonRecordSerializer<>(topic, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(ShopOptions.TRANSACTIONAL_ID_PREFIX) + "-" + config.job() + "-" + topic)
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(config.get(ShopOptions.TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }

    /** Writes a stream to a topic exactly-once, with a stable uid and a readable name. */
    public static <T> void write(DataStream<T> stream, JobConfig config, String topic, KeySelector<T, String> key) {
        stream.sinkTo(exactlyOnceSink(config, topic, key)).name("Kafka: " + topic).uid("sink-" + topic);
    }
}
