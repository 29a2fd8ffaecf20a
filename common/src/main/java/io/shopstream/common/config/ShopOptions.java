package io.shopstream.common.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every ShopStream setting, as Flink {@link ConfigOption}s with the contract's defaults. Set them
 * with {@code --key value} program arguments, {@code -Dkey=value}, or in Flink's {@code
 * config.yaml}.
 */
public final class ShopOptions {

    private ShopOptions() {}

    // ---- Kafka ----

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            key("kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers (host:port, comma separated).");

    public static final ConfigOption<String> GROUP_ID_PREFIX =
            key("kafka.group-id-prefix")
                    .stringType()
                    .defaultValue("shopstream")
                    .withDescription("Consumer group id prefix; the job name is appended.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            key("kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("shopstream")
                    .withDescription(
                            "Prefix of the exactly-once sinks' transactional ids; the job and output are appended."
                                    + " Two running copies of a job must not share it.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            key("kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Kafka transaction timeout of the exactly-once sinks. Must not exceed the broker's"
                                    + " transaction.max.timeout.ms (15 min by default) and must exceed the"
                                    + " checkpoint interval plus the longest expected downtime.");

    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE =
            key("kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A file in Kafka's client-properties format (security.protocol, sasl.*, ssl.*, ...) whose"
                                    + " properties every Kafka client of the job takes; a kafka.properties.<client key>"
                                    + " option overrides a line of it. Read where the job is started.");

    public static final ConfigOption<Duration> STARTUP_CHECK_TIMEOUT =
            key("kafka.startup-check-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long a job waits at start for Kafka to answer its checks (broker reachable, login"
                                    + " accepted, topics present, transaction timeout accepted) before it fails.");

    // ---- Topics ----

    public static final ConfigOption<String> TOPIC_PRODUCTS = topic("products", "shop.products");
    public static final ConfigOption<String> TOPIC_CUSTOMERS = topic("customers", "shop.customers");
    public static final ConfigOption<String> TOPIC_EVENTS = topic("events", "shop.events");
    public static final ConfigOption<String> TOPIC_PAYMENTS = topic("payments", "shop.payments");
    public static final ConfigOption<String> TOPIC_ENRICHED = topic("enriched", "shop.events.enriched");
    public static final ConfigOption<String> TOPIC_DLQ = topic("dlq", "shop.dlq");
    public static final ConfigOption<String> TOPIC_CATEGORY_STATS = topic("category-stats", "shop.category-stats");
    public static final ConfigOption<String> TOPIC_CATEGORY_STATS_LATE =
            topic("category-stats-late", "shop.category-stats.late");
    public static final ConfigOption<String> TOPIC_SESSIONS = topic("sessions", "shop.sessions");
    public static final ConfigOption<String> TOPIC_SESSIONS_LATE = topic("sessions-late", "shop.sessions.late");
    public static final ConfigOption<String> TOPIC_ORDERS_PAID = topic("orders-paid", "shop.orders.paid");
    public static final ConfigOption<String> TOPIC_ORDERS_UNPAID = topic("orders-unpaid", "shop.orders.unpaid");
    public static final ConfigOption<String> TOPIC_PAYMENTS_ORPHANED =
            topic("payments-orphaned", "shop.payments.orphaned");

    // ---- Inputs and event time ----

    public static final ConfigOption<Integer> MAX_RECORD_BYTES =
            key("input.max-record-bytes")
                    .intType()
                    .defaultValue(65_536)
                    .withDescription("Input record values larger than this are dead-lettered unread (TOO_LARGE).");

    public static final ConfigOption<String> STARTING_OFFSETS =
            key("source.starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where the event inputs start on a first start (a restore resumes from its checkpoint):"
                                    + " committed (the group's offsets, else the earliest), earliest, latest, or"
                                    + " timestamp:<ISO-8601 instant> for a backfill from that point. Reference data"
                                    + " (products, customers) is always read whole.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            key("source.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A source partition that has delivered and then gets nothing for this long (not counting"
                                    + " time the job was back-pressured or paused it) is idle and does not hold the"
                                    + " watermark back; when it delivers again it holds its old watermark for this long."
                                    + " After a start or restore a partition holds the watermark only until it has"
                                    + " delivered, or for this long if it stays empty.");

    public static final ConfigOption<Duration> ALIGNMENT_MAX_DRIFT =
            key("watermark.alignment-max-drift")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "A source partition whose watermark is this far ahead of the slowest one pauses until"
                                    + " the others catch up (watermark alignment), so that a backlog is read in step."
                                    + " An event further behind the stream than the out-of-orderness plus this is late"
                                    + " in every run, however fast the input is read. Keep it above"
                                    + " source.idle-timeout: a quiet partition holds the others back until it is idle.");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS =
            key("watermark.out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("How far behind the newest event time an event may arrive and still be on time.");

    public static final ConfigOption<Duration> MAX_FUTURE =
            key("watermark.max-future")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "An event whose time lies further than this ahead of the wall clock does not move the"
                                    + " watermark; the windowing jobs send it to their late topic.");

    /** The options every job shares, in the order they are printed at start-up; a job's own are in its folder. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    BOOTSTRAP_SERVERS, GROUP_ID_PREFIX, TRANSACTIONAL_ID_PREFIX, TRANSACTION_TIMEOUT,
                    KAFKA_PROPERTIES_FILE, STARTUP_CHECK_TIMEOUT,
                    TOPIC_PRODUCTS, TOPIC_CUSTOMERS, TOPIC_EVENTS, TOPIC_PAYMENTS, TOPIC_ENRICHED, TOPIC_DLQ,
                    TOPIC_CATEGORY_STATS, TOPIC_CATEGORY_STATS_LATE, TOPIC_SESSIONS, TOPIC_SESSIONS_LATE,
                    TOPIC_ORDERS_PAID, TOPIC_ORDERS_UNPAID, TOPIC_PAYMENTS_ORPHANED,
                    MAX_RECORD_BYTES, STARTING_OFFSETS, IDLE_TIMEOUT, OUT_OF_ORDERNESS, MAX_FUTURE, ALIGNMENT_MAX_DRIFT);

    /**
     * The prefixes of the jobs' own options: the job's name and a dot ({@code sessions.gap}). The
     * suite's list of jobs is {@code SuiteJobs}, above common; {@code SuiteJobsTest} checks that
     * the two agree.
     */
    public static final List<String> JOB_PREFIXES = List.of("enrich.", "category-stats.", "sessions.", "payments.");

    /**
     * Key prefixes that belong to ShopStream: the shared options' and the jobs'. A key under one of
     * them must be a known option, another job's option, or a Kafka client property under {@code
     * kafka.properties.} ({@link KafkaClientProperties}).
     */
    public static final List<String> PREFIXES = Stream.concat(
            Stream.of("kafka.", "topics.", "input.", "source.", "watermark."), JOB_PREFIXES.stream()).toList();

    private static ConfigOption<String> topic(String name, String defaultTopic) {
        return key("topics." + name)
                .stringType()
                .defaultValue(defaultTopic)
                .withDescription("Kafka topic " + defaultTopic + ".");
    }
}
