package io.shopstream.enrich;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.JobSetup;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.enrich.EnrichmentPipeline;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.DeadLetterSplitter;
import io.shopstream.common.json.DeadLetterSplitter.Split;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.kafka.KafkaIO;
import io.shopstream.common.kafka.KafkaStartupCheck;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.ProductUpdate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code enrich} job: {@code shop.events} + {@code shop.products} + {@code shop.customers}
 * → {@code shop.events.enriched} and {@code shop.dlq}. Validates every record (bad ones are
 * dead-lettered), drops producer retries, and adds the latest known product and customer.
 */
public final class EnrichJob {

    public static final String NAME = "enrich";

    /** The topics the job reads and writes, checked at start ({@link KafkaStartupCheck}). */
    public static final KafkaStartupCheck.Topics TOPICS = new KafkaStartupCheck.Topics(
            List.of(ShopOptions.TOPIC_EVENTS, ShopOptions.TOPIC_PRODUCTS, ShopOptions.TOPIC_CUSTOMERS),
            List.of(ShopOptions.TOPIC_ENRICHED, ShopOptions.TOPIC_DLQ));

    private EnrichJob() {}

    /** What the job writes. */
    public record Outputs(DataStream<EnrichedEvent> enriched, DataStream<DeadLetter> deadLetters) {}

    /** Builds the job's graph from decoded inputs; sources and sinks are the caller's. */
    public static Outputs defineWorkflow(
            JobConfig config,
            DataStream<Parsed<Event>> events,
            DataStream<Parsed<ProductUpdate>> products,
            DataStream<Parsed<CustomerUpdate>> customers) {
        Split<Event> validEvents = DeadLetterSplitter.split(events, "events", TypeInformation.of(Event.class));
        Split<ProductUpdate> validProducts =
                DeadLetterSplitter.split(products, "products", TypeInformation.of(ProductUpdate.class));
        Split<CustomerUpdate> validCustomers =
                DeadLetterSplitter.split(customers, "customers", TypeInformation.of(CustomerUpdate.class));

        DataStream<EnrichedEvent> enriched =
                EnrichmentPipeline.enrich(
                        validEvents.values(),
                        validProducts.values(),
                        validCustomers.values(),
                        config.get(ShopOptions.ENRICH_MAX_WAIT),
                        config.get(ShopOptions.DUPLICATE_HORIZON),
                        config.get(ShopOptions.MAX_FUTURE));
        DataStream<DeadLetter> deadLetters =
                validEvents.deadLetters().union(validProducts.deadLetters(), validCustomers.deadLetters());
        return new Outputs(enriched, deadLetters);
    }

    /** Adds the Kafka sources, the workflow and the exactly-once Kafka sinks to {@code env}. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        DataStream<Parsed<Event>> events =
                KafkaIO.readEvents(env, config, config.get(ShopOptions.TOPIC_EVENTS), new EventFormat(),
                        TypeInformation.of(Event.class), Event::ts);
        // Reference data carries no event time; it must never hold the watermark back.
        DataStream<Parsed<ProductUpdate>> products =
                KafkaIO.readReference(env, config, config.get(ShopOptions.TOPIC_PRODUCTS), new ProductFormat(),
                        TypeInformation.of(ProductUpdate.class));
        DataStream<Parsed<CustomerUpdate>> customers =
                KafkaIO.readReference(env, config, config.get(ShopOptions.TOPIC_CUSTOMERS), new CustomerFormat(),
                        TypeInformation.of(CustomerUpdate.class));

        Outputs out = defineWorkflow(config, events, products, customers);

        KafkaIO.write(out.enriched(), config, config.get(ShopOptions.TOPIC_ENRICHED), EnrichedEvent::customerId);
        KafkaIO.write(out.deadLetters(), config, config.get(ShopOptions.TOPIC_DLQ), DeadLetter::key);
    }

    public static void main(String[] args) throws Exception {
        JobSetup.Started started = JobSetup.start(NAME, TOPICS, args);
        if (started == null) {
            return;
        }
        build(started.env(), started.config());
        started.env().execute("ShopStream " + NAME);
    }
}
