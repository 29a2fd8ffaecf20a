package io.shopstream.bench;

import static io.shopstream.bench.PlainLoops.ENRICHED_TOPIC;
import static io.shopstream.bench.PlainLoops.PAYMENTS_TOPIC;
import static io.shopstream.bench.PlainLoops.decoder;

import io.shopstream.bench.PassOperators.FirstRecordTime;
import io.shopstream.bench.PassOperators.LastOutputTime;
import io.shopstream.bench.PassOperators.Tallying;
import io.shopstream.bench.PassOperators.ToJson;
import io.shopstream.categorystats.CategoryStatsJob;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.job.JobHooks;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.DeadLetterSplitter;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.PaymentFormat;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.EventType;
import io.shopstream.common.model.Payment;
import io.shopstream.common.model.ProductUpdate;
import io.shopstream.common.time.EventTime;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.payments.PaymentsJob;
import io.shopstream.sessions.SessionsJob;
import io.shopstream.suite.SuiteJobs;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Each measurement: one pass over the workload, timed, as events per second. */
public final class Measurements {

    /**
     * What one pass of each of the suite's jobs reads, as the report names it. The bench measures
     * the jobs of {@link SuiteJobs#ALL}; a job without an entry here (and a {@link Subject}) has no
     * measurement, and {@link #measured} refuses it.
     */
    static final Map<ShopJob, String> INPUTS = Map.of(
            EnrichJob.JOB, "raw events (products and customers are loaded first and not counted)",
            CategoryStatsJob.JOB, "enriched events (JSON, as on shop.events.enriched)",
            SessionsJob.JOB, "enriched events (JSON, as on shop.events.enriched)",
            PaymentsJob.JOB, "records: the ORDER events among the enriched events plus the payment records");

    /** {@code job}, which must be one the bench can measure. */
    static ShopJob measured(ShopJob job) {
        if (!INPUTS.containsKey(job)) {
            throw new IllegalStateException("The suite's job '" + job.name() + "' has no measurement in the bench:"
                    + " add its plain loop and Flink graph to io.shopstream.bench.Measurements");
        }
        return job;
    }

    /** Keyed state in memory (hashmap) or in RocksDB (with incremental checkpoints). */
    public enum Backend { HEAP, ROCKSDB }

    /**
     * What differs per job: how many input records one pass reads, one pass of its plain loop
     * (serializing every output, and returning the outputs' tally), and its Flink graph fed from
     * memory.
     */
    private record Subject(int inputRecords, Supplier<OutputTally> plainLoop,
            BiConsumer<StreamExecutionEnvironment, JobConfig> flinkGraph) {}

    private final Workload workload;
    private final PlainLoops plain;
    private final List<byte[]> enrichedJson;
    /** The payments job reads only ORDER events; its filter on the enriched topic is not measured. */
    private final List<byte[]> ordersJson;
    private final Map<ShopJob, Subject> subjects = new HashMap<>();
    /** Per job, what its plain loop wrote: every Flink pass must write the same. */
    private final Map<ShopJob, OutputTally.Figures> expected = new HashMap<>();
    private final Map<ShopJob, Map<String, Long>> expectedKinds = new HashMap<>();

    public Measurements(Workload workload) {
        this.workload = workload;
        this.enrichedJson = workload.enriched.stream().map(Json::write).toList();
        this.ordersJson = workload.enriched.stream().filter(e -> e.type() == EventType.ORDER).map(Json::write).toList();
        this.plain = new PlainLoops(workload, enrichedJson, ordersJson);
        subjects.put(EnrichJob.JOB, new Subject(workload.events.size(), plain::plainEnrich, this::flinkEnrich));
        subjects.put(CategoryStatsJob.JOB, new Subject(enrichedJson.size(), plain::plainCategoryStats, this::flinkCategoryStats));
        subjects.put(SessionsJob.JOB, new Subject(enrichedJson.size(), plain::plainSessions, this::flinkSessions));
        subjects.put(PaymentsJob.JOB,
                new Subject(ordersJson.size() + workload.payments.size(), plain::plainPayments, this::flinkPayments));
    }

    /** Input records of one pass: events (enrich), enriched events, or orders + payments (payments). */
    public int events(ShopJob job) {
        return subjects.get(job).inputRecords();
    }

    /**
     * One measured figure: input records per second, the cores this process kept busy meanwhile
     * (NaN where the JVM does not report its CPU time), the tally of what the last round wrote, the
     * seconds measured (NaN when not known) and the rounds over the workload they took.
     */
    public record Run(double eventsPerSecond, double coresBusy, OutputTally.Figures output, double seconds, int rounds) {

        public Run(double eventsPerSecond, double coresBusy) {
            this(eventsPerSecond, coresBusy, null, Double.NaN, 1);
        }

        Run(double eventsPerSecond, double coresBusy, OutputTally.Figures output, double seconds) {
            this(eventsPerSecond, coresBusy, output, seconds, 1);
        }
    }

    /** One round over the workload: a plain loop's or a Flink job's. */
    @FunctionalInterface
    public interface Round {
        Run run() throws Exception;
    }

    /**
     * Rounds of {@code round} back to back, each checked as it ends, until their measured time adds
     * up to {@code minimum} (one round when it is zero): a figure from a pass of a few seconds
     * mostly measures the JIT, a checkpoint or a compaction that happened to fall in it. The figure
     * is the inputs of every round over their measured time; the cores busy are weighted by time.
     */
    public static Run atLeast(Duration minimum, Round round) throws Exception {
        double seconds = 0;
        double inputs = 0;
        double cpuSeconds = 0;
        int rounds = 0;
        Run last;
        do {
            last = round.run();
            rounds++;
            seconds += last.seconds();
            inputs += last.eventsPerSecond() * last.seconds();
            cpuSeconds += last.coresBusy() * last.seconds();
        } while (seconds * 1000 < minimum.toMillis());
        return new Run(inputs / seconds, cpuSeconds / seconds, last.output(), seconds, rounds);
    }

    /** One round of the plain single-threaded loop: parse, process, serialize every output. */
    public Run plainLoop(ShopJob job) {
        // Read around the loop, not sampled: a short pass (the smoke test's) can end within a millisecond.
        long cpuBefore = CpuSampler.processCpuNanos();
        long start = System.nanoTime();
        OutputTally tally = subjects.get(job).plainLoop().get();
        OutputTally.Figures output = tally.figures();
        long nanos = System.nanoTime() - start;
        long cpuAfter = CpuSampler.processCpuNanos();
        if (output.records() == 0) {
            throw new IllegalStateException("the plain loop of " + job.name() + " produced nothing");
        }
        expectedKinds.putIfAbsent(job, tally.kinds());
        OutputTally.Figures before = expected.putIfAbsent(job, output);
        if (before != null && !before.equals(output)) {
            throw new IllegalStateException("the plain loop of " + job.name() + " wrote " + output + ", before " + before);
        }
        return new Run(events(job) / (nanos / 1e9),
                cpuBefore < 0 ? Double.NaN : (double) (cpuAfter - cpuBefore) / Math.max(1, nanos), output, nanos / 1e9);
    }

    /** What the plain loop of {@code job} writes; runs it once if it has not run yet. */
    private OutputTally.Figures expected(ShopJob job) {
        OutputTally.Figures figures = expected.get(job);
        return figures != null ? figures : plainLoop(job).output();
    }

    // ------------------------------------------------------------------ Flink

    /**
     * One round of the same job on a local Flink (MiniCluster in this JVM) at {@code parallelism},
     * checkpointing every second, fed from memory, writing to a discarding sink.
     */
    public Run flink(ShopJob job, int parallelism, Backend backend) throws Exception {
        // A short idle timeout: a partition holds the watermark for one idle timeout after it
        // joins (see EventTime), which with the default 30 s would outlast a whole run here.
        JobConfig config = JobConfig.fromArgs("bench", SuiteJobs.ALL.stream().flatMap(j -> j.options().stream()).toList(),
                new Configuration(), "--enrich.max-wait", "200ms", "--source.idle-timeout", "1 s");
        // The jobs' own Flink settings (incremental checkpoints, object reuse, no Kryo), then the bench's.
        Configuration conf = config.flinkConfiguration();
        conf.setString("state.backend.type", backend == Backend.HEAP ? "hashmap" : "rocksdb");
        conf.setString("execution.checkpointing.interval", "1 s");
        java.nio.file.Path checkpoints = Files.createTempDirectory("bench-checkpoints");
        conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.setString("restart-strategy.type", "none"); // a failure must end the run, not loop in restarts
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        Tallying.WRITTEN.set(0);
        subjects.get(job).flinkGraph().accept(env, config);
        try (CpuSampler cpu = CpuSampler.start(); TemporaryFolder removed = new TemporaryFolder(checkpoints)) {
            long started = System.currentTimeMillis();
            JobExecutionResult result = env.execute("bench " + job.name() + " p" + parallelism + " " + backend);
            // From the first record read to the last output written: the job's start-up and
            // shut-down (about a second for a MiniCluster) are not processing, and the plain loop has none.
            Long first = result.getAccumulatorResult(FirstRecordTime.ACCUMULATOR);
            Long last = result.getAccumulatorResult(LastOutputTime.ACCUMULATOR);
            boolean timed = first != null && last != null && last > first;
            double seconds = timed ? (last - first) / 1000.0 : result.getNetRuntime() / 1000.0;
            double cores = cpu == null ? Double.NaN
                    : timed ? cpu.coresBusy(first, last) : cpu.coresBusy(started, System.currentTimeMillis());
            OutputTally.Figures output = new OutputTally.Figures(
                    result.<Long>getAccumulatorResult(Tallying.RECORDS), result.<Long>getAccumulatorResult(Tallying.CHECKSUM));
            OutputTally.Figures plain = expected(job);
            if (!output.equals(plain)) {
                Map<String, Long> kinds = new java.util.TreeMap<>();
                result.getAllAccumulatorResults().forEach((name, value) -> {
                    if (name.startsWith(Tallying.KIND)) {
                        kinds.put(name.substring(Tallying.KIND.length()), (Long) value);
                    }
                });
                throw new IllegalStateException(String.format("Flink's %s pass (p=%d, %s) wrote %s %s, the plain loop"
                        + " %s %s: a pass that loses, duplicates or still holds outputs is not a measurement", job.name(),
                        parallelism, backend, output, kinds, plain, expectedKinds.get(job)));
            }
            return new Run(events(job) / seconds, cores, output, seconds);
        }
    }

    private static <T> DataStream<T> timed(DataStream<T> input) {
        return input.map(new FirstRecordTime<T>()).returns(input.getType()).name("Note first record time");
    }

    private void flinkEnrich(StreamExecutionEnvironment env, JobConfig config) {
        DataStream<Parsed<ProductUpdate>> products = timed(env.fromSource(
                InMemorySource.of("products", workload.products, decoding(new ProductFormat(), "shop.products"),
                        Parsed.typeInfo(ProductUpdate.class)),
                EventTime.neverHoldsBack(), "products"));
        DataStream<Parsed<CustomerUpdate>> customers = timed(env.fromSource(
                InMemorySource.of("customers", workload.customers, decoding(new CustomerFormat(), "shop.customers"),
                        Parsed.typeInfo(CustomerUpdate.class)),
                EventTime.neverHoldsBack(), "customers"));
        // The event input stays open after its data until the pass has written as many outputs as
        // the plain loop (every event held for reference data released), at most a minute, then
        // sends its last valid event again (a duplicate: dropped, nothing written); see
        // InMemorySource.lingering. A pass that lost outputs ends after the minute and fails its tally.
        InMemorySource.Mapper<GeneratedRecord, Parsed<Event>> decodeEvent = decoding(new EventFormat(), "shop.events");
        long outputs = expected(EnrichJob.JOB).records();
        DataStream<Parsed<Event>> events = timed(env.fromSource(
                InMemorySource.lingering("events", workload.events, decodeEvent, Parsed.typeInfo(Event.class),
                        lastValid(workload.events, decodeEvent), () -> Tallying.WRITTEN.get() >= outputs,
                        Duration.ofMinutes(1)),
                EventTime.forParsed(config, Event::ts), "events"));
        EnrichJob.Outputs out = EnrichJob.defineWorkflow(config, events, products, customers);
        discard(out.enriched(), "enriched", false);
        discard(out.deadLetters(), "dead letters", false);
    }

    private void flinkCategoryStats(StreamExecutionEnvironment env, JobConfig config) {
        CategoryStatsJob.Outputs out = CategoryStatsJob.defineWorkflow(config, validEnriched(env, config), JobHooks.NONE);
        discard(out.stats(), "stats", false);
        discard(out.late(), "late", true);
    }

    private void flinkSessions(StreamExecutionEnvironment env, JobConfig config) {
        SessionsJob.Outputs out = SessionsJob.defineWorkflow(config, validEnriched(env, config), JobHooks.NONE);
        discard(out.sessions(), "sessions", false);
        discard(out.late(), "late", true);
    }

    private void flinkPayments(StreamExecutionEnvironment env, JobConfig config) {
        DataStream<Parsed<EnrichedEvent>> orders = parsedEnriched(env, config, "orders", ordersJson);
        DataStream<Parsed<Payment>> payments = timed(env.fromSource(
                InMemorySource.of("payments", workload.payments, decoding(new PaymentFormat(), PAYMENTS_TOPIC),
                        Parsed.typeInfo(Payment.class)),
                EventTime.forParsed(config, Payment::ts), "payments"));
        PaymentsJob.Outputs out = PaymentsJob.defineWorkflow(config, orders, payments);
        discard(out.paid(), "paid", false);
        discard(out.unpaid(), "unpaid", false);
        discard(out.orphaned(), "orphaned", false);
        discard(out.deadLetters(), "dead letters", false);
    }

    private static <T> GeneratedRecord lastValid(List<GeneratedRecord> records,
            InMemorySource.Mapper<GeneratedRecord, Parsed<T>> decode) {
        for (int i = records.size() - 1; i >= 0; i--) {
            try {
                if (decode.apply(records.get(i)).isOk()) {
                    return records.get(i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no valid record in the workload");
    }

    /** Enriched events decoded from their JSON, as the downstream jobs read them. */
    private static DataStream<Parsed<EnrichedEvent>> parsedEnriched(
            StreamExecutionEnvironment env, JobConfig config, String name, List<byte[]> json) {
        InputDecoder<EnrichedEvent> decoder = decoder(new EnrichedEventFormat());
        return timed(env.fromSource(
                InMemorySource.of(name, json, bytes -> decoder.decode(ENRICHED_TOPIC, 0, 0, null, bytes),
                        Parsed.typeInfo(EnrichedEvent.class)),
                EventTime.forParsed(config, EnrichedEvent::ts), name));
    }

    /** What category-stats and sessions get from their Kafka source: the valid enriched events. */
    private DataStream<EnrichedEvent> validEnriched(StreamExecutionEnvironment env, JobConfig config) {
        return DeadLetterSplitter.split(parsedEnriched(env, config, "enriched", enrichedJson), "enriched",
                TypeInformation.of(EnrichedEvent.class)).values();
    }

    private static <T> void discard(DataStream<T> output, String what, boolean late) {
        output.map(new Tallying<T>(late)).returns(output.getType()).name("Tally " + what)
                .map(new ToJson<>()).name("Serialize " + what)
                .map(new LastOutputTime<>()).returns(byte[].class).name("Note last output time")
                .sinkTo(new DiscardingSink<>());
    }

    private static <T> InMemorySource.Mapper<GeneratedRecord, Parsed<T>> decoding(RecordFormat<T> format, String topic) {
        InputDecoder<T> decoder = decoder(format);
        return r -> decoder.decode(topic, 0, 0, r.key(), r.value());
    }


    /** Deletes a pass's checkpoint folder when the pass is over: the bench runs hundreds of passes. */
    private record TemporaryFolder(java.nio.file.Path path) implements AutoCloseable {
        @Override
        public void close() {
            org.apache.flink.util.FileUtils.deleteDirectoryQuietly(path.toFile());
        }
    }
}
