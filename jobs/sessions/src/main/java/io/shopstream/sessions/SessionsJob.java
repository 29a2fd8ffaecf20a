package io.shopstream.sessions;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.JobSetup;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.DeadLetterSplitter.Split;
import io.shopstream.common.json.DeadLetterSplitter;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.kafka.KafkaIO;
import io.shopstream.common.kafka.KafkaStartupCheck;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Session;
import io.shopstream.common.time.LateEvents;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code sessions} job: {@code shop.events.enriched} → {@code shop.sessions} (+ {@code
 * shop.sessions.late}). Each customer's browsing sessions in event time, summarised once they can
 * no longer grow.
 */
public final class SessionsJob extends ShopJob {

    public static final String NAME = "sessions";

    /** The job, as its {@code main}, the suite's list and the tests start it. */
    public static final SessionsJob JOB = new SessionsJob();

    /** Tap point ({@link JobHooks}): the valid events read from Kafka, before the workflow. */
    public static final String TAP_EVENTS = "events";

    /** The uid of the sessions operator (its state: each customer's open session). */
    public static final String SESSIONS_UID = "customer-sessions";

    private SessionsJob() {
        super(NAME, new KafkaStartupCheck.Topics(
                List.of(ShopOptions.TOPIC_ENRICHED),
                List.of(ShopOptions.TOPIC_SESSIONS, ShopOptions.TOPIC_SESSIONS_LATE, ShopOptions.TOPIC_DLQ)),
                SessionsOptions.ALL);
    }

    /** What the job writes: sessions and the events that were too late (or from the future). */
    public record Outputs(DataStream<Session> sessions, DataStream<EnrichedEvent> late) {}

    /**
     * Each customer's sessions, summarised once they can no longer grow, from validated events that
     * carry timestamps and watermarks. {@code hooks} as in {@link #build}: a real run passes {@link
     * JobHooks#NONE}, {@link JobHooks#withoutWatermarkKeeper} builds the naive graph.
     */
    public static Outputs defineWorkflow(JobConfig config, DataStream<EnrichedEvent> events, JobHooks hooks) {
        LateEvents.Keyed<EnrichedEvent> byCustomer = LateEvents.keyedForEventTime(events, EnrichedEvent::ts,
                EnrichedEvent::customerId, config.get(ShopOptions.MAX_FUTURE), hooks.keepWatermark());
        SingleOutputStreamOperator<Session> sessions =
                byCustomer.keyed()
                        .process(new SessionTracker(config.get(SessionsOptions.GAP)), TypeInformation.of(Session.class))
                        .name("Sessions per customer")
                        .uid(SESSIONS_UID);
        DataStream<EnrichedEvent> late = byCustomer.lateOutput(sessions.getSideOutput(SessionTracker.TOO_LATE));
        return new Outputs(sessions, late);
    }

    @Override
    protected void addTo(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks) {
        DataStream<Parsed<EnrichedEvent>> input =
                KafkaIO.readEvents(env, config, ShopOptions.TOPIC_ENRICHED, new EnrichedEventFormat(),
                        TypeInformation.of(EnrichedEvent.class), EnrichedEvent::ts);
        Split<EnrichedEvent> valid = DeadLetterSplitter.split(input, "enriched", TypeInformation.of(EnrichedEvent.class));

        Outputs out = defineWorkflow(config, hooks.at(TAP_EVENTS, valid.values()), hooks);

        KafkaIO.write(out.sessions(), config, ShopOptions.TOPIC_SESSIONS, Session::customerId);
        KafkaIO.write(out.late(), config, ShopOptions.TOPIC_SESSIONS_LATE, EnrichedEvent::customerId);
        KafkaIO.write(valid.deadLetters(), config, ShopOptions.TOPIC_DLQ, DeadLetter::key);
    }

    public static void main(String[] args) throws Exception {
        JobSetup.main(JOB, args);
    }
}
