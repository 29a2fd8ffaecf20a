package io.shopstream.bench.cluster;

import io.shopstream.cluster.OutputTopics;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.testkit.compare.Difference;
import io.shopstream.testkit.compare.KeyOrder;
import io.shopstream.testkit.compare.TimeFields;
import java.util.List;

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
        List<String> actualEnriched = OutputTopics.values(bootstrapServers, config.get(ShopOptions.TOPIC_ENRICHED));
        Difference<String> enriched = Difference.of(expectedEnriched, actualEnriched);
        String order = KeyOrder.difference(expectedEnriched, actualEnriched, KeyOrder.jsonField("customerId"));

        // Dead letters carry the time they were written, which no two runs share.
        List<String> expectedDlq = TimeFields.withoutTime(expected.deadLetters);
        List<String> actualDlq = TimeFields.withoutTime(OutputTopics.values(bootstrapServers, config.get(ShopOptions.TOPIC_DLQ))
                .stream().map(TimeFields::readDeadLetter).filter(d -> d.job().equals("enrich")).toList());

        return new OutputCheck(enriched.expected(), enriched.actual(), enriched.missing().size(), enriched.unexpected().size(),
                order.isEmpty(), expectedDlq.size(), actualDlq.size(), expectedDlq.equals(actualDlq),
                String.join("; ", enriched.examples(3)));
    }
}
