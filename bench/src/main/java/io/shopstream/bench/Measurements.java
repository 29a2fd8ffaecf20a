package io.shopstream.bench;

import io.shopstream.categorystats.CategoryStatsJob;
import io.shopstream.categorystats.PlainCategoryStats;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.json.CustomerFormat;
import io.shopstream.common.json.DeadLetterSplitter;
import io.shopstream.common.json.EnrichedEventFormat;
import io.shopstream.common.json.EventFormat;
import io.shopstream.common.json.InputDecoder;
import io.shopstream.common.json.Json;
import io.shopstream.common.json.Parsed;
import io.shopstream.common.json.ProductFormat;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.CustomerUpdate;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Event;
import io.shopstream.common.model.ProductUpdate;
import io.shopstream.common.time.EventTime;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.enrich.PlainEnrich;
import io.shopstream.generator.GeneratedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Each measurement: one pass over the workload, timed, as events per second. */
public final class Measurements {

    /** The jobs measured. */
    public enum Job { ENRICH, CATEGORY_STATS }

    /** Keyed state in memory (hashmap) or in RocksDB (with incremental checkpoints). */
    public enum Backend { HEAP, ROCKSDB }

    private final Workload workload;
    private final List<byte[]> enrichedJson;

    public Measurements(Workload workload) {
        this.workload = workload;
        this.enrichedJson = workload.enriched.stream().map(Json::write).toList();
    }

    public int events(Job job) {
        return job == Job.ENRICH ? workload.events.size() : enrichedJson.size();
    }

    // ------------------------------------------------------------------ the plain loop

    /** The plain single-threaded loop: parse, process, serialize every output. */
    public double plainLoop(Job job) {
        long start = System.nanoTime();
        long[] bytes = {0};
        if (job == Job.ENRICH) {
            PlainEnrich loop = new PlainEnrich(JobConfig.fromArgs("bench"));
            workload.replay(loop, new PlainEnrich.Output() {
                @Override
                public void enriched(EnrichedEvent e) {
                    bytes[0] += Json.write(e).length;
                }

                @Override
                public void deadLetter(DeadLetter d) {
                    bytes[0] += Json.write(d).length;
                }
            });
        } else {
            InputDecoder<EnrichedEvent> decoder = new InputDecoder<>(new EnrichedEventFormat(), "bench", 65_536);
            PlainCategoryStats stats = new PlainCategoryStats(Duration.ofMinutes(1), Duration.ofMinutes(1));
            long maxTs = Long.MIN_VALUE;
            for (int i = 0; i < enrichedJson.size(); i++) {
                Parsed<EnrichedEvent> p = decoder.decode("shop.events.enriched", 0, i, null, enrichedJson.get(i));
                if (p.isOk()) {
                    stats.onEvent(p.value);
                    maxTs = Math.max(maxTs, p.value.ts());
                }
                if (i % 1000 == 999) {
                    stats.onWatermark(maxTs - 5_000);
                }
            }
            stats.onWatermark(Long.MAX_VALUE);
            for (CategoryStats s : stats.result().stats()) {
                bytes[0] += Json.write(s).length;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (bytes[0] == 0) {
            throw new IllegalStateException("the plain loop produced nothing");
        }
        return events(job) / seconds;
    }

    // ------------------------------------------------------------------ Flink

    /**
     * The same job on a local Flink (MiniCluster in this JVM) at {@code parallelism}, checkpointing
     * every second, fed from memory, writing to a discarding sink.
     */
    public double flink(Job job, int parallelism, Backend backend) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", backend == Backend.HEAP ? "hashmap" : "rocksdb");
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.interval", "1 s");
        conf.setString("execution.checkpointing.dir", Files.createTempDirectory("bench-checkpoints").toUri().toString());
        conf.setString("pipeline.generic-types", "false");
        conf.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        JobConfig config = JobConfig.fromArgs("bench", "--enrich.max-wait", "200ms");
        if (job == Job.ENRICH) {
            buildEnrich(env, config);
        } else {
            buildCategoryStats(env, config);
        }
        JobExecutionResult result = env.execute("bench " + job + " p" + parallelism + " " + backend);
        return events(job) / (result.getNetRuntime() / 1000.0);
    }

    private void buildEnrich(StreamExecutionEnvironment env, JobConfig config) {
        DataStream<Parsed<ProductUpdate>> products = env.fromSource(
                InMemorySource.of("products", workload.products, decoding(new ProductFormat(), "shop.products"),
                        Parsed.typeInfo(ProductUpdate.class)),
                EventTime.neverHoldsBack(), "products");
        DataStream<Parsed<CustomerUpdate>> customers = env.fromSource(
                InMemorySource.of("customers", workload.customers, decoding(new CustomerFormat(), "shop.customers"),
                        Parsed.typeInfo(CustomerUpdate.class)),
                EventTime.neverHoldsBack(), "customers");
        DataStream<Parsed<Event>> events = env.fromSource(
                InMemorySource.of("events", workload.events, decoding(new EventFormat(), "shop.events"),
                        Parsed.typeInfo(Event.class)),
                EventTime.forParsed(config, Event::ts), "events");
        EnrichJob.Outputs out = EnrichJob.defineWorkflow(config, events, products, customers);
        out.enriched().map(new ToJson<>()).name("Serialize").sinkTo(new DiscardingSink<>());
        out.deadLetters().map(new ToJson<>()).name("Serialize dead letters").sinkTo(new DiscardingSink<>());
    }

    private void buildCategoryStats(StreamExecutionEnvironment env, JobConfig config) {
        InputDecoder<EnrichedEvent> decoder = new InputDecoder<>(new EnrichedEventFormat(), "bench", 65_536);
        DataStream<Parsed<EnrichedEvent>> input = env.fromSource(
                InMemorySource.of("enriched", enrichedJson,
                        bytes -> decoder.decode("shop.events.enriched", 0, 0, null, bytes),
                        Parsed.typeInfo(EnrichedEvent.class)),
                EventTime.forParsed(config, EnrichedEvent::ts), "enriched");
        DataStream<EnrichedEvent> valid =
                DeadLetterSplitter.split(input, "enriched", TypeInformation.of(EnrichedEvent.class)).values();
        CategoryStatsJob.Outputs out = CategoryStatsJob.defineWorkflow(config, valid);
        out.stats().map(new ToJson<>()).name("Serialize").sinkTo(new DiscardingSink<>());
        out.late().map(new ToJson<>()).name("Serialize late").sinkTo(new DiscardingSink<>());
    }

    private static <T> InMemorySource.Mapper<GeneratedRecord, Parsed<T>> decoding(
            io.shopstream.common.json.RecordFormat<T> format, String topic) {
        InputDecoder<T> decoder = new InputDecoder<>(format, "bench", 65_536);
        return r -> decoder.decode(topic, 0, 0, r.key(), r.value());
    }

    /**
     * Serializes outputs as the Kafka sinks would. A class, not {@code Json::write}: javac's
     * deserialization of two serializable method references to one method with different
     * parameter types can hand back the wrong one (seen here as a ClassCastException).
     */
    static final class ToJson<T> implements org.apache.flink.api.common.functions.MapFunction<T, byte[]> {
        @Override
        public byte[] map(T value) {
            return Json.write(value);
        }
    }

    static Path tempDir() throws java.io.IOException {
        return Files.createTempDirectory("shopstream-bench");
    }
}
