package io.shopstream.common.enrich;

import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.ProductUpdate;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The shared enrichment operator, wired: events and customer updates keyed by customer, the
 * product table broadcast, into one {@link Enricher}. Any job can reuse it.
 */
public final class EnrichmentPipeline {

    public static final String ENRICHER_UID = "enrich-events";
    public static final String ENRICHER_NAME = "De-duplicate and enrich events";

    private EnrichmentPipeline() {}

    public static DataStream<EnrichedEvent> enrich(
            DataStream<Event> events,
            DataStream<ProductUpdate> products,
            DataStream<CustomerUpdate> customers,
            Duration maxWait,
            Duration duplicateHorizon,
            Duration maxFuture) {
        TypeInformation<EventOrCustomer> keyedType = TypeInformation.of(EventOrCustomer.class);
        DataStream<EventOrCustomer> keyed =
                events.map(e -> EventOrCustomer.of(e)).returns(keyedType).name("Events to enrich")
                        .union(customers.map(c -> EventOrCustomer.of(c)).returns(keyedType)
                                .name("Customer updates to enrich"));
        return keyed.keyBy(EventOrCustomer::customerId, Types.STRING)
                .connect(products.broadcast(Enricher.PRODUCTS))
                .process(new Enricher(maxWait.toMillis(), duplicateHorizon.toMillis(), maxFuture.toMillis()),
                        TypeInformation.of(EnrichedEvent.class))
                .name(ENRICHER_NAME)
                .uid(ENRICHER_UID);
    }
}
