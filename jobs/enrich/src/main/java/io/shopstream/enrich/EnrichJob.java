package io.shopstream.enrich;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.enrich.EnrichmentPipeline;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.JobSetup;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.DeadLetterSplitter.Split;
import io.shopstream.common.json.DeadLetterSplitter;
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
public final class EnrichJob extends ShopJob {

    public static final String NAME = "enrich";

    /** The job, as its {@code main}, the suite's list and the tests start it. */
    public static final EnrichJob JOB = new EnrichJob();

    /** Tap point ({@link JobHooks}): the decoded events as read from Kafka. */
    public static final String TAP_EVENTS = "events";
    /** Tap point ({@link JobHooks}): the enriched events on their way to Kafka. */
    public static final String TAP_ENRICHED = "enriched";

    private EnrichJob() {
        super(NAME, new KafkaStartupCheck.Topics(
                List.of(ShopOptions.TOPIC_EVENTS, ShopOptions.TOPIC_PRODUCTS, ShopOptions.TOPIC_CUSTOMERS),
                List.of(ShopOptions.TOPIC_ENRICHED, ShopOptions.TOPIC_DLQ)),
                EnrichOptions.ALL);
    }

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
                        config.get(EnrichOptions.MAX_WAIT),
                        config.get(EnrichOptions.DUPLICATE_HORIZON),
                        config.get(ShopOptions.MAX_FUTURE));
        DataStream<DeadLetter> deadLetters =
                validEvents.deadLetters().union(validProducts.deadLetters(), validCustomers.deadLetters());
        return new Outputs(enriched, deadLetters);
    }

    @Override
    protected void addTo(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks) {
        DataStream<Parsed<Event>> events = hooks.at(TAP_EVENTS,
                KafkaIO.readEvents(env, config, ShopOptions.TOPIC_EVENTS, new EventFormat(),
                        TypeInformation.of(Event.class), Event::ts));
        // Reference data carries no event time; it must never hold the watermark back.
        DataStream<Parsed<ProductUpdate>> products =
                KafkaIO.readReference(env, config, ShopOptions.TOPIC_PRODUCTS, new ProductFormat(),
                        TypeInformation.of(ProductUpdate.class));
        DataStream<Parsed<CustomerUpdate>> customers =
                KafkaIO.readReference(env, config, ShopOptions.TOPIC_CUSTOMERS, new CustomerFormat(),
                        TypeInformation.of(CustomerUpdate.class));

        Outputs out = defineWorkflow(config, events, products, customers);

        KafkaIO.write(hooks.at(TAP_ENRICHED, out.enriched()), config, ShopOptions.TOPIC_ENRICHED,
                EnrichedEvent::customerId);
        KafkaIO.write(out.deadLetters(), config, ShopOptions.TOPIC_DLQ, DeadLetter::key);
    }

    public static void main(String[] args) throws Exception {
        JobSetup.main(JOB, args);
    }
}
