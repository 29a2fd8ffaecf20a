package io.shopstream.cluster;

import io.shopstream.common.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A topic's committed records (read_committed, to its end), partition by partition in offset order. */
public final class OutputTopics {

    private OutputTopics() {}

    public static List<ConsumerRecord<byte[], byte[]>> records(String bootstrapServers, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicReader.readToEnd(bootstrapServers, topic, records::add);
        records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** The records' values as UTF-8 text. */
    public static List<String> values(String bootstrapServers, String topic) {
        return records(bootstrapServers, topic).stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
