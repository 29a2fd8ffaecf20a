package io.shopstream.common.config;

import io.shopstream.common.kafka.KafkaStartupCheck;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Start-up shared by every job's {@code main}: parse and print the configuration, set up Flink. */
public final class JobSetup {

    private JobSetup() {}

    /** The environment and configuration of a job about to be built. */
    public record Started(StreamExecutionEnvironment env, JobConfig config) {}

    /**
     * Reads the configuration for {@code job} (see {@link JobConfig}), prints it, checks that Kafka
     * has what the job needs ({@link KafkaStartupCheck}: broker, login, {@code topics}, transaction
     * timeout), and applies its Flink settings to the execution environment. Returns null after
     * printing the usage for {@code --help}. A bad key or value, or a Kafka set-up the job cannot
     * run on, fails with a {@link ConfigException} naming the key, topic or broker.
     */
    public static Started start(String job, KafkaStartupCheck.Topics topics, String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(JobConfig.usage(job));
                return null;
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config;
        try {
            config = JobConfig.fromArgs(job, env.getConfiguration(), args);
        } catch (ConfigException e) {
            System.err.println("ShopStream " + job + ": configuration error: " + e.getMessage());
            throw e;
        }
        config.print(System.out);
        System.out.println("Checking Kafka at " + config.get(ShopOptions.BOOTSTRAP_SERVERS) + " (broker, login, topics;"
                + " up to " + config.get(ShopOptions.STARTUP_CHECK_TIMEOUT).toSeconds() + " s) ...");
        try {
            KafkaStartupCheck.check(config, topics);
        } catch (ConfigException e) {
            System.err.println("ShopStream " + job + ": cannot start: " + e.getMessage());
            throw e;
        }
        env.configure(config.flinkConfiguration());
        return new Started(env, config);
    }
}
