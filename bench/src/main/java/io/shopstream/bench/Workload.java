package io.shopstream.bench;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.GeneratorSettings;
import io.shopstream.generator.ShopGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * One seeded dataset, generated once and kept in memory, that every measurement replays: the
 * raw records (as a Kafka consumer would see them), payments included, and the enriched events
 * derived from them.
 */
public final class Workload {

    public final List<GeneratedRecord> products = new ArrayList<>();
    public final List<GeneratedRecord> customers = new ArrayList<>();
    public final List<GeneratedRecord> events = new ArrayList<>();
    public final List<GeneratedRecord> payments = new ArrayList<>();
    public final List<EnrichedEvent> enriched = new ArrayList<>();

    public Workload(int eventCount, long seed) {
        GeneratorSettings settings = GeneratorSettings.fromArgs("--seed", String.valueOf(seed), "--events",
                String.valueOf(eventCount), "--customers", "20000", "--products", "2000");
        new ShopGenerator(settings).forEachRemaining(r -> {
            switch (r.stream()) {
                case PRODUCTS -> products.add(r);
                case CUSTOMERS -> customers.add(r);
                case EVENTS -> events.add(r);
                case PAYMENTS -> payments.add(r);
            }
        });
        PlainEnrich.Collected out = new PlainEnrich.Collected();
        PlainEnrich loop = new PlainEnrich(JobConfig.fromArgs("bench"));
        replay(loop, out);
        enriched.addAll(out.enriched);
    }

    /** Feeds the whole dataset through the plain enrich loop. */
    public void replay(PlainEnrich loop, PlainEnrich.Output out) {
        for (int i = 0; i < products.size(); i++) {
            GeneratedRecord r = products.get(i);
            loop.onProduct("shop.products", 0, i, r.key(), r.value(), out);
        }
        for (int i = 0; i < customers.size(); i++) {
            GeneratedRecord r = customers.get(i);
            loop.onCustomer("shop.customers", 0, i, r.key(), r.value(), out);
        }
        for (int i = 0; i < events.size(); i++) {
            GeneratedRecord r = events.get(i);
            loop.onEvent("shop.events", 0, i, r.key(), r.value(), out);
        }
    }
}
