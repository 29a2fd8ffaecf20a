package io.shopstream.categorystats;

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
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.time.LateEvents;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;

/**
 * The {@code category-stats} job: {@code shop.events.enriched} → {@code shop.category-stats}
 * (+ {@code shop.category-stats.late}). Totals per category in tumbling event-time windows,
 * re-emitted with a higher revision for each late event within the allowed lateness.
 */
public final class CategoryStatsJob extends ShopJob {

    public static final String NAME = "category-stats";

    /** The job, as its {@code main}, the suite's list and the tests start it. */
    public static final CategoryStatsJob JOB = new CategoryStatsJob();

    /** Tap point ({@link JobHooks}): the valid events read from Kafka, before the workflow. */
    public static final String TAP_EVENTS = "events";

    /** The uid of the window operator (its state: the open windows' events). */
    public static final String WINDOWS_UID = "category-windows";

    /** Events too late for their window (beyond the allowed lateness). */
    public static final OutputTag<EnrichedEvent> TOO_LATE =
            new OutputTag<>("too-late", TypeInformation.of(EnrichedEvent.class));

    private CategoryStatsJob() {
        super(NAME, new KafkaStartupCheck.Topics(
                List.of(ShopOptions.TOPIC_ENRICHED),
                List.of(ShopOptions.TOPIC_CATEGORY_STATS, ShopOptions.TOPIC_CATEGORY_STATS_LATE, ShopOptions.TOPIC_DLQ)),
                CategoryStatsOptions.ALL);
    }

    /** What the job writes: window totals and the events that were too late (or from the future). */
    public record Outputs(DataStream<CategoryStats> stats, DataStream<EnrichedEvent> late) {}

    /**
     * Totals per category and tumbling window, with revisions for late events, from validated events
     * that carry timestamps and watermarks. {@code hooks} as in {@link #build}: a real run passes {@link
     * JobHooks#NONE}, {@link JobHooks#withoutWatermarkKeeper} builds the naive graph.
     */
    public static Outputs defineWorkflow(JobConfig config, DataStream<EnrichedEvent> events, JobHooks hooks) {
        LateEvents.Keyed<EnrichedEvent> byCategory = LateEvents.keyedForEventTime(events, EnrichedEvent::ts,
                EnrichedEvent::category, config.get(ShopOptions.MAX_FUTURE), hooks.keepWatermark());
        SingleOutputStreamOperator<CategoryStats> stats =
                windowTotals(
                        byCategory.keyed(),
                        config.get(CategoryStatsOptions.WINDOW_SIZE),
                        config.get(CategoryStatsOptions.ALLOWED_LATENESS));
        DataStream<EnrichedEvent> late = byCategory.lateOutput(stats.getSideOutput(TOO_LATE));
        return new Outputs(stats, late);
    }

    /** The window stage: tumbling windows that keep their events, totals with revisions, late events to {@link #TOO_LATE}. */
    static SingleOutputStreamOperator<CategoryStats> windowTotals(
            KeyedStream<EnrichedEvent, String> byCategory, Duration size, Duration allowedLateness) {
        return byCategory
                .window(TumblingEventTimeWindows.of(size))
                .allowedLateness(allowedLateness)
                .sideOutputLateData(TOO_LATE)
                .process(new CategoryStatsRevisions(), TypeInformation.of(CategoryStats.class))
                .name("Category totals per window")
                .uid(WINDOWS_UID);
    }

    @Override
    protected void addTo(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks) {
        DataStream<Parsed<EnrichedEvent>> input =
                KafkaIO.readEvents(env, config, ShopOptions.TOPIC_ENRICHED, new EnrichedEventFormat(),
                        TypeInformation.of(EnrichedEvent.class), EnrichedEvent::ts);
        Split<EnrichedEvent> valid = DeadLetterSplitter.split(input, "enriched", TypeInformation.of(EnrichedEvent.class));

        Outputs out = defineWorkflow(config, hooks.at(TAP_EVENTS, valid.values()), hooks);

        KafkaIO.write(out.stats(), config, ShopOptions.TOPIC_CATEGORY_STATS, CategoryStats::key);
        KafkaIO.write(out.late(), config, ShopOptions.TOPIC_CATEGORY_STATS_LATE, EnrichedEvent::customerId);
        KafkaIO.write(valid.deadLetters(), config, ShopOptions.TOPIC_DLQ, DeadLetter::key);
    }

    public static void main(String[] args) throws Exception {
        JobSetup.main(JOB, args);
    }
}
