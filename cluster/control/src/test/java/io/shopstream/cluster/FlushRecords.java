package io.shopstream.cluster;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.time.EventTime;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Closes every window, session and order: one event and one payment an hour of event time after
 * the last event, on every partition, move every job's watermark past all the data before them
 * (the generator's event from the far future excepted: it never moves a watermark).
 */
final class FlushRecords {

    private static final int PARTITIONS = 4;

    private FlushRecords() {}

    /** Sends the flush records after the events of {@code fed}; returns their event time. */
    static long send(JobConfig config, List<GeneratedRecord> fed) {
        long now = System.currentTimeMillis();
        long lastTs = fed.stream().filter(r -> r.stream() == Stream.EVENTS).mapToLong(FlushRecords::tsOf)
                .filter(ts -> !EventTime.isFromTheFuture(ts, now, config.get(ShopOptions.MAX_FUTURE))).max().orElseThrow();
        long flushTs = lastTs + Duration.ofHours(1).toMillis();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(ProducerSettings.idempotent(config.get(ShopOptions.BOOTSTRAP_SERVERS)))) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                String customer = keyFor(partition, "c-"); // known customers and product: nothing waits
                String order = keyFor(partition, "flush-o-");
                producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_EVENTS), utf8(customer), utf8(String.format(
                        "{\"eventId\":\"flush-%d\",\"type\":\"VIEW\",\"customerId\":\"%s\",\"productId\":\"p-1\",\"ts\":%d}",
                        partition, customer, flushTs))));
                producer.send(new ProducerRecord<>(config.get(ShopOptions.TOPIC_PAYMENTS), utf8(order), utf8(String.format(
                        "{\"paymentId\":\"flush-pay-%d\",\"orderId\":\"%s\",\"amountCents\":0,\"status\":\"AUTHORIZED\",\"ts\":%d}",
                        partition, order, flushTs))));
            }
            producer.flush();
        }
        return flushTs;
    }

    private static long tsOf(GeneratedRecord r) {
        try {
            var ts = Json.MAPPER.readTree(r.value()).path("ts");
            return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
        } catch (Exception notAValidEvent) {
            return Long.MIN_VALUE;
        }
    }

    /** A key that Kafka's default partitioner puts into {@code partition} of a 4-partition topic. */
    private static String keyFor(int partition, String prefix) {
        for (int i = 1; ; i++) {
            if (Utils.toPositive(Utils.murmur2(utf8(prefix + i))) % PARTITIONS == partition) {
                return prefix + i;
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
