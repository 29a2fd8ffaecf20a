package io.shopstream.common.enrich;

import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.ProductUpdate;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The shared enrichment operators, wired: de-duplicate per customer, then add the product
 * (broadcast table), then the customer (partitioned table). Any job can reuse it.
 */
public final class EnrichmentPipeline {

    public static final String DEDUPLICATE_UID = "deduplicate-events";
    public static final String PRODUCT_UID = "enrich-with-product";
    public static final String CUSTOMER_UID = "enrich-with-customer";

    private EnrichmentPipeline() {}

    public static DataStream<EnrichedEvent> enrich(
            DataStream<Event> events,
            DataStream<ProductUpdate> products,
            DataStream<CustomerUpdate> customers,
            Duration maxWait,
            Duration duplicateHorizon) {
        DataStream<Event> unique =
                events.keyBy(Event::customerId, Types.STRING)
                        .process(new Deduplicator(duplicateHorizon.toMillis()), TypeInformation.of(Event.class))
                        .name("De-duplicate events")
                        .uid(DEDUPLICATE_UID);

        BroadcastStream<ProductUpdate> productTable = products.broadcast(ProductEnricher.PRODUCTS);
        DataStream<PendingEvent> withProduct =
                unique.keyBy(Event::customerId, Types.STRING)
                        .connect(productTable)
                        .process(new ProductEnricher(maxWait.toMillis()), TypeInformation.of(PendingEvent.class))
                        .name("Enrich with product")
                        .uid(PRODUCT_UID);

        return withProduct
                .keyBy(p -> p.event().customerId(), Types.STRING)
                .connect(customers.keyBy(CustomerUpdate::customerId, Types.STRING))
                .process(new CustomerEnricher(), TypeInformation.of(EnrichedEvent.class))
                .name("Enrich with customer")
                .uid(CUSTOMER_UID);
    }
}
