package io.shopstream.bench.cluster;

import io.shopstream.cluster.InputFeed;
import io.shopstream.common.json.Json;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import io.shopstream.generator.Stream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The events the cluster bench feeds through enrich, the reference data loaded before them, and the events' ids. */
record FeedData(List<GeneratedRecord> reference, List<GeneratedRecord> events, List<String> eventIds) {

    static final int CUSTOMERS = 5000;
    static final int PRODUCTS = 500;

    static FeedData generate(int events, double rate) {
        // Every event yields exactly one enriched record (no unknown references, duplicates or
        // malformed records), so "every event sent before the kill is visible" is exact.
        ShopGenerator generator = new ShopGenerator(GeneratorSettings.fromArgs("--seed", "2026",
                "--events", String.valueOf(events), "--customers", String.valueOf(CUSTOMERS),
                "--products", String.valueOf(PRODUCTS), "--unknown-product-fraction", "0", "--unknown-customer-fraction", "0",
                "--duplicate-fraction", "0", "--malformed-fraction", "0", "--late-fraction", "0",
                // Event time advances with the feed, as in production.
                "--event-time-step", Math.max(1, Math.round(1000 / rate)) + " ms"));
        List<GeneratedRecord> reference = new ArrayList<>();
        List<GeneratedRecord> feed = new ArrayList<>();
        generator.forEachRemaining(r -> {
            if (InputFeed.isReference(r)) {
                reference.add(r);
            } else if (r.stream() == Stream.EVENTS) { // enrich does not read payments
                feed.add(r);
            }
        });
        List<String> ids = feed.stream().map(r -> {
            try {
                return Json.MAPPER.readTree(r.value()).path("eventId").asText();
            } catch (IOException e) {
                throw new IllegalStateException("The generator wrote an event that is not JSON: " + r, e);
            }
        }).toList();
        return new FeedData(reference, feed, ids);
    }
}
