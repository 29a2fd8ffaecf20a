package io.shopstream.common.job;

import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.kafka.KafkaStartupCheck;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Start-up shared by every job's {@code main}: parse and print the configuration, check Kafka, build, run. */
public final class JobSetup {

    private JobSetup() {}

    /** The environment and configuration of a job about to be built. */
    public record Started(StreamExecutionEnvironment env, JobConfig config) {}

    /**
     * A job's {@code main}: {@link #start}, {@link ShopJob#build}, execute under the job's display
     * name. A configuration or Kafka set-up error is printed once, without a stack trace, and the
     * program exits with status 2.
     */
    public static void main(ShopJob job, String[] args) throws Exception {
        CommandLine.exitOnError(job.displayName(), () -> run(job, args));
    }

    /** As {@link #main}, but a bad set-up is thrown as a {@link ConfigException} (for tests). */
    public static void run(ShopJob job, String[] args) throws Exception {
        Started started = start(job, args);
        if (started != null) {
            job.build(started.env(), started.config());
            started.env().execute(job.displayName());
        }
    }

    /**
     * Reads the configuration for {@code job} (see {@link JobConfig}), prints it, checks that Kafka
     * has what the job needs ({@link KafkaStartupCheck}: broker, login, topics, transaction
     * timeout), and applies its Flink settings to the execution environment. Returns null after
     * printing the usage for {@code --help}. A bad key or value, or a Kafka set-up the job cannot
     * run on, fails with a {@link ConfigException} naming the key, topic or broker.
     */
    public static Started start(ShopJob job, String[] args) {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(JobConfig.usage(job.name(), job.options()));
            return null;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.fromArgs(job.name(), job.options(), env.getConfiguration(), args);
        config.print(System.out);
        System.out.println("Checking Kafka at " + config.get(ShopOptions.BOOTSTRAP_SERVERS) + " (broker, login, topics;"
                + " up to " + config.get(ShopOptions.STARTUP_CHECK_TIMEOUT).toSeconds() + " s) ...");
        KafkaStartupCheck.check(config, job.topics());
        env.configure(config.flinkConfiguration());
        return new Started(env, config);
    }
}
