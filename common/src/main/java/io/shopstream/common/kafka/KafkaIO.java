package io.shopstream.common.kafka;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.config.StartingOffsets;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.time.EventTime;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The suite's one way to read from and write to Kafka. */
public final class KafkaIO {

    /** How often the job's event-time inputs compare their watermarks (Flink's default). */
    private static final Duration ALIGNMENT_UPDATE_INTERVAL = Duration.ofSeconds(1);

    /** Records per poll of an event-time input (Kafka's default is 500); see {@link #readEvents}. */
    static final int EVENT_POLL_RECORDS = 100;

    private KafkaIO() {}

    /**
     * A source that decodes every record of {@code topic} into a {@link Parsed} value. It reads
     * only committed data, resumes from the offsets in the checkpoint (on a first start, from
     * {@code startingOffsets}), and commits offsets on checkpoints for monitoring only.
     */
    static <T> KafkaSource<Parsed<T>> source(JobConfig config, String topic, RecordFormat<T> format,
            TypeInformation<T> valueType, OffsetsInitializer startingOffsets, Properties consumerProperties) {
        InputDecoder<T> decoder = new InputDecoder<>(format, config.job(), config.get(ShopOptions.MAX_RECORD_BYTES));
        return KafkaSource.<Parsed<T>>builder()
                .setTopics(topic)
                .setStartingOffsets(startingOffsets)
                .setDeserializer(new DecodingDeserializer<>(decoder, valueType))
                .setProperties(consumerProperties)
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    private static Properties consumerProperties(JobConfig config, String topic) {
        Properties properties = config.kafkaProperties();
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + config.job());
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.setProperty("client.id.prefix", config.get(ShopOptions.GROUP_ID_PREFIX) + "-" + config.job() + "-" + topic);
        return properties;
    }

    /**
     * Adds a decoding Kafka source of event-time input (events, payments, enriched events) to the
     * job, with a stable uid and a readable name: it starts where {@code source.starting-offsets}
     * says, its partitions hold the watermark back by the data ({@link EventTimeSource}), and all
     * event-time inputs of a job keep within {@code watermark.alignment-max-drift} of each other.
     */
    public static <T> DataStream<Parsed<T>> readEvents(StreamExecutionEnvironment env, JobConfig config,
            ConfigOption<String> topicOption, RecordFormat<T> format, TypeInformation<T> valueType,
            EventTime.Timestamp<T> timestamp) {
        String topic = config.get(topicOption);
        Properties properties = consumerProperties(config, topic);
        // Few records per poll: what has been fetched still comes when a partition pauses to let
        // the others catch up (EventTimeSource), so this bounds how far one partition runs ahead.
        properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(EVENT_POLL_RECORDS));
        KafkaSource<Parsed<T>> kafka = source(config, topic, format, valueType,
                StartingOffsets.parse(config.get(ShopOptions.STARTING_OFFSETS)).initializer(), properties);
        EventTimeSource.Rules<Parsed<T>> rules = new EventTimeSource.Rules<>(EventTime.ofParsed(timestamp),
                config.get(ShopOptions.OUT_OF_ORDERNESS), config.get(ShopOptions.MAX_FUTURE),
                config.get(ShopOptions.ALIGNMENT_MAX_DRIFT), config.get(ShopOptions.IDLE_TIMEOUT));
        EventTimeSource<Parsed<T>> source = new EventTimeSource<>(kafka, properties, rules);
        WatermarkStrategy<Parsed<T>> watermarks = EventTime.timestampsFor(EventTime.ofParsed(timestamp))
                .withWatermarkAlignment("event-time-" + config.job(), config.get(ShopOptions.ALIGNMENT_MAX_DRIFT),
                        ALIGNMENT_UPDATE_INTERVAL);
        return env.fromSource(source, watermarks, "Kafka: " + topic)
                .uid(sourceUid(topicOption))
                .returns(Parsed.typeInfo(valueType));
    }

    /**
     * Adds a decoding Kafka source of reference data (products, customers) to the job: always the
     * whole compacted topic on a first start, and never holding any watermark back.
     */
    public static <T> DataStream<Parsed<T>> readReference(StreamExecutionEnvironment env, JobConfig config,
            ConfigOption<String> topicOption, RecordFormat<T> format, TypeInformation<T> valueType) {
        String topic = config.get(topicOption);
        KafkaSource<Parsed<T>> kafka = source(config, topic, format, valueType,
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST), consumerProperties(config, topic));
        return env.fromSource(kafka, EventTime.neverHoldsBack(), "Kafka: " + topic)
                .uid(sourceUid(topicOption))
                .returns(Parsed.typeInfo(valueType));
    }

    /**
     * An exactly-once sink (Kafka transactions committed on checkpoints) that writes JSON values
     * keyed by {@code key}. The transactional id prefix is unique per job and output.
     */
    public static <T> KafkaSink<T> exactlyOnceSink(JobConfig config, String topic, KeySelector<T, String> key) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(config.kafkaProperties())
                .setRecordSerializer(new JsonRecordSerializer<>(topic, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(ShopOptions.TRANSACTIONAL_ID_PREFIX) + "-" + config.job() + "-" + topic)
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        String.valueOf(config.get(ShopOptions.TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }

    /** Writes a stream to the topic of {@code topicOption} exactly-once, with a stable uid and a readable name. */
    public static <T> void write(DataStream<T> stream, JobConfig config, ConfigOption<String> topicOption,
            KeySelector<T, String> key) {
        String topic = config.get(topicOption);
        stream.sinkTo(exactlyOnceSink(config, topic, key)).name("Kafka: " + topic).uid(sinkUid(topicOption));
    }

    /**
     * The uid of the source of a topic option: named after the option's default topic, so that it
     * does not change when the topic is renamed (and is what it was when uids were the topic name).
     */
    public static String sourceUid(ConfigOption<String> topicOption) {
        return "source-" + topicOption.defaultValue();
    }

    /** The uid of the sink of a topic option; like {@link #sourceUid}, independent of the topic's name. */
    public static String sinkUid(ConfigOption<String> topicOption) {
        return "sink-" + topicOption.defaultValue();
    }
}
