package io.shopstream.common.job;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.kafka.KafkaStartupCheck;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One job of the suite, in the shape every job has: a name, the topics it reads and writes, and
 * {@link #build} (Kafka sources, the job's workflow, exactly-once Kafka sinks). The job's {@code
 * main}, the embedded run, the cluster CLI, the benchmarks and the tests all start a job through
 * this class; the list of the suite's jobs is {@code io.shopstream.suite.SuiteJobs}.
 */
public abstract class ShopJob {

    private final String name;
    private final KafkaStartupCheck.Topics topics;
    private final List<ConfigOption<?>> options;

    /** {@code options}: the job's own options, each named {@code <name>.<option>}, declared in its folder. */
    protected ShopJob(String name, KafkaStartupCheck.Topics topics, List<ConfigOption<?>> options) {
        this.name = name;
        this.topics = topics;
        this.options = List.copyOf(options);
        for (ConfigOption<?> option : options) {
            if (!option.key().startsWith(name + ".")) {
                throw new IllegalArgumentException("Option '" + option.key() + "' of job '" + name
                        + "' must be named '" + name + ".<option>'");
            }
        }
    }

    /** The job's short name ({@code enrich}); also the consumer group and transactional id suffix. */
    public final String name() {
        return name;
    }

    /** The topics the job reads and writes, checked at start ({@link KafkaStartupCheck}). */
    public final KafkaStartupCheck.Topics topics() {
        return topics;
    }

    /** The job's own options (the options every job shares are {@code ShopOptions}). */
    public final List<ConfigOption<?>> options() {
        return options;
    }

    /** The job's configuration from program arguments alone (no cluster configuration): tests, benchmarks. */
    public final JobConfig config(String... args) {
        return JobConfig.fromArgs(name, options, new Configuration(), args);
    }

    /** The name of the running job, as the web UI, the REST API and {@code flink list} show it. */
    public final String displayName() {
        return displayName(name);
    }

    /** The display name of the job called {@code name}. */
    public static String displayName(String name) {
        return "ShopStream " + name;
    }

    /** Adds the job to {@code env} as a real run has it. */
    public final void build(StreamExecutionEnvironment env, JobConfig config) {
        build(env, config, JobHooks.NONE);
    }

    /**
     * Adds the job to {@code env}: sources, workflow and sinks. {@code hooks} lets a test tap the
     * job's streams at its named points (to inject a failure) without copying the graph; a tap at
     * a point the job does not have fails.
     */
    public final void build(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks) {
        addTo(env, config, hooks);
        hooks.checkAllTapsUsed(name);
    }

    /** The job's graph, calling {@link JobHooks#at} at each of its tap points. */
    protected abstract void addTo(StreamExecutionEnvironment env, JobConfig config, JobHooks hooks);

    @Override
    public String toString() {
        return name;
    }
}
