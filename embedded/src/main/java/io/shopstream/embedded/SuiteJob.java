package io.shopstream.embedded;

import io.shopstream.categorystats.CategoryStatsJob;
import io.shopstream.common.config.JobConfig;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.payments.PaymentsJob;
import io.shopstream.sessions.SessionsJob;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One job of the suite as the embedded run starts it: its name and its static {@code build}. */
public record SuiteJob(String name, Builder builder) {

    /** A job's {@code build(StreamExecutionEnvironment, JobConfig)}: sources, workflow, sinks. */
    @FunctionalInterface
    public interface Builder {
        void build(StreamExecutionEnvironment env, JobConfig config) throws Exception;
    }

    /** The jobs the embedded run submits, each as its own Flink job. Add a job with one line. */
    public static final List<SuiteJob> ALL = List.of(
            new SuiteJob(EnrichJob.NAME, EnrichJob::build),
            new SuiteJob(CategoryStatsJob.NAME, CategoryStatsJob::build),
            new SuiteJob(SessionsJob.NAME, SessionsJob::build),
            new SuiteJob(PaymentsJob.NAME, PaymentsJob::build)
    );
}
