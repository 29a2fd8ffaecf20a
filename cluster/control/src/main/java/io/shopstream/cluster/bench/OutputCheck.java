package io.shopstream.cluster.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.enrich.PlainEnrich;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Whether enrich's committed output is exactly what {@link PlainEnrich} computes from the same
 * input topics: the same enriched records (as a multiset: nothing lost, nothing twice), each
 * customer's records in the same order, and the same dead letters.
 */
record OutputCheck(int expected, int actual, int missing, int unexpected, boolean orderKept, int expectedDeadLetters,
        int actualDeadLetters, boolean deadLettersEqual, String examples) {

    boolean exact() {
        return missing == 0 && unexpected == 0 && orderKept && deadLettersEqual;
    }

    /** The outcome, in one line. */
    String summary() {
        return (exact() ? "passed" : "FAILED") + String.format(
                " (expected %,d enriched records, found %,d: %,d missing, %,d unexpected; per-customer order %s;"
                        + " dead letters %,d expected, %,d found, %s)",
                expected, actual, missing, unexpected, orderKept ? "kept" : "BROKEN",
                expectedDeadLetters, actualDeadLetters, deadLettersEqual ? "equal" : "DIFFERENT")
                + (examples.isEmpty() ? "" : "; e.g. " + examples);
    }

    static OutputCheck of(String bootstrapServers) {
        JobConfig config = JobConfig.fromArgs("cluster-bench", "--kafka.bootstrap-servers", bootstrapServers);
        PlainEnrich.Collected expected = new PlainEnrich.Collected();
        new PlainEnrich(config).consumeToEnd(config, expected);
        List<String> expectedEnriched = expected.enriched.stream().map(Json::writeString).toList();
        List<String> actualEnriched = values(bootstrapServers, config.get(ShopOptions.TOPIC_ENRICHED));

        Map<String, Integer> counts = new TreeMap<>();
        expectedEnriched.forEach(e -> counts.merge(e, 1, Integer::sum));
        actualEnriched.forEach(a -> counts.merge(a, -1, Integer::sum));
        int missing = 0;
        int unexpected = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            int n = c.getValue();
            if (n != 0 && examples.size() < 3) {
                examples.add((n > 0 ? "missing " : "unexpected ") + c.getKey());
            }
            missing += Math.max(n, 0);
            unexpected += Math.max(-n, 0);
        }

        // Dead letters carry the time they were written, which no two runs share.
        List<String> expectedDlq = expected.deadLetters.stream().map(d -> withoutTime(Json.writeString(d))).sorted().toList();
        List<String> actualDlq = values(bootstrapServers, config.get(ShopOptions.TOPIC_DLQ)).stream()
                .filter(d -> read(d).path("job").asText().equals("enrich"))
                .map(OutputCheck::withoutTime)
                .sorted()
                .toList();

        return new OutputCheck(expectedEnriched.size(), actualEnriched.size(), missing, unexpected,
                perCustomer(actualEnriched).equals(perCustomer(expectedEnriched)), expectedDlq.size(), actualDlq.size(),
                expectedDlq.equals(actualDlq), String.join("; ", examples));
    }

    /** The topic's committed values, partition by partition in offset order. */
    private static List<String> values(String bootstrapServers, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicReader.readToEnd(bootstrapServers, topic, records::add);
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    /** Each customer's records in topic order: the contract keeps a customer's events in input order. */
    private static Map<String, List<String>> perCustomer(List<String> json) {
        return json.stream().collect(Collectors.groupingBy(
                s -> read(s).path("customerId").asText(), TreeMap::new, Collectors.toList()));
    }

    private static String withoutTime(String json) {
        ObjectNode node = read(json);
        node.remove("deadLetteredAt");
        return node.toString();
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Not a JSON object on an output topic: " + json, e);
        }
    }
}
