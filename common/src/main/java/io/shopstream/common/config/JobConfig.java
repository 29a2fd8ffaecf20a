package io.shopstream.common.config;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A job's configuration, read the Flink way: {@link ShopOptions} defaults, overridden by Flink's
 * {@code config.yaml} (when run with {@code flink run}), by {@code -Dkey=value} and finally by
 * {@code --key value} program arguments. Unknown ShopStream keys, unknown Flink keys and invalid
 * values fail at start-up with a message naming the key.
 */
public final class JobConfig {

    /**
     * Flink settings every ShopStream job starts with unless the cluster or the user sets them.
     * Object reuse is safe here because every record passed between operators is immutable (Java
     * records, and {@code Parsed}, which nothing changes after decoding): chained operators then
     * hand records on without Flink's defensive deep copy (a copy per record per chained operator).
     * RocksDB gets Bloom filters: most of its reads are misses (a new event id in de-duplication,
     * a customer with nothing held), which without a filter search every level of the tree. A
     * checkpoint may take 5 minutes (Flink's default is 10), so that the sinks' Kafka transactions
     * (10 minutes by default) outlive a checkpoint interval plus a checkpoint.
     */
    public static final Map<String, String> FLINK_DEFAULTS =
            Map.of(
                    "state.backend.type", "rocksdb",
                    "execution.checkpointing.incremental", "true",
                    "execution.checkpointing.interval", "10 s",
                    "execution.checkpointing.mode", "EXACTLY_ONCE",
                    "execution.checkpointing.timeout", "5 min",
                    "pipeline.object-reuse", "true",
                    "state.backend.rocksdb.use-bloom-filter", "true");

    private final String job;
    private final List<ConfigOption<?>> options;
    private final Configuration shop;
    private final Configuration flink;
    private final KafkaClientProperties kafkaClient;
    private final Map<String, String> sources;
    /** Other jobs' options given to this one (a shared config.yaml or argument list): shown, not used. */
    private final Map<String, String> otherJobs;

    private JobConfig(String job, List<ConfigOption<?>> options, Configuration shop, Configuration flink,
            KafkaClientProperties kafkaClient, Map<String, String> sources, Map<String, String> otherJobs) {
        this.job = job;
        this.options = options;
        this.shop = shop;
        this.flink = flink;
        this.kafkaClient = kafkaClient;
        this.sources = sources;
        this.otherJobs = otherJobs;
    }

    /**
     * Parses program arguments alone (no cluster configuration) for a program that is not one of
     * the jobs (a benchmark, a test's reader): only the options every job shares are known. A
     * job's configuration comes from {@code ShopJob.config(args)}.
     */
    public static JobConfig fromArgs(String job, String... args) {
        return fromArgs(job, List.of(), new Configuration(), args);
    }

    /**
     * Parses program arguments on top of a base configuration (for {@code flink run}, the
     * environment's configuration, which holds the cluster's {@code config.yaml}). {@code
     * jobOptions} are the job's own options. Another job's options ({@code sessions.gap} for
     * enrich), wherever they come from, are not used but printed as such: the jobs of a cluster
     * share its {@code config.yaml}, and one argument list may start them all. They are checked
     * by the job they belong to.
     */
    public static JobConfig fromArgs(String job, List<ConfigOption<?>> jobOptions, ReadableConfig base, String... args) {
        List<ConfigOption<?>> options = new ArrayList<>(ShopOptions.ALL);
        options.addAll(jobOptions);
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, String> otherJobs = new LinkedHashMap<>();
        Configuration shop = new Configuration();
        Configuration flink = new Configuration();
        Map<String, String> kafkaOptions = new LinkedHashMap<>();

        // config.yaml: our keys are validated, Flink's are the cluster's business.
        for (Map.Entry<String, String> e : base.toMap().entrySet()) {
            String clientKey = KafkaClientProperties.clientKeyOf(e.getKey());
            if (clientKey != null) {
                kafkaOptions.put(clientKey, e.getValue());
                sources.put(e.getKey(), "config.yaml");
            } else if (isAnotherJobsKey(job, e.getKey(), options)) {
                otherJobs.put(e.getKey(), e.getValue() + " (config.yaml)");
            } else if (isOurs(e.getKey(), options)) {
                setShop(shop, options, e.getKey(), e.getValue());
                sources.put(e.getKey(), "config.yaml");
            }
        }
        for (Map.Entry<String, String> e : FLINK_DEFAULTS.entrySet()) {
            if (!base.toMap().containsKey(e.getKey())) {
                flink.setString(e.getKey(), e.getValue());
            }
        }

        for (CommandLine.Argument arg : CommandLine.split(args)) {
            String key = arg.key();
            if (key == null) {
                throw new ConfigException(
                        "Unexpected argument '" + arg.value() + "': use --key value or -Dkey=value (see --help)");
            }
            String clientKey = KafkaClientProperties.clientKeyOf(key);
            if (clientKey != null) {
                kafkaOptions.put(clientKey, arg.value());
            } else if (isAnotherJobsKey(job, key, options)) {
                otherJobs.put(key, arg.value() + (arg.dashD() ? " (-D)" : " (argument)"));
                continue;
            } else if (isOurs(key, options)) {
                setShop(shop, options, key, arg.value());
            } else if (arg.dashD()) {
                setFlink(flink, key, arg.value());
            } else {
                throw unknown(key, options);
            }
            sources.put(key, arg.dashD() ? "-D" : "argument");
        }
        validate(shop, options);
        Configuration effective = Configuration.fromMap(base.toMap());
        effective.addAll(flink);
        checkTransactionTimeout(shop, effective);
        KafkaClientProperties kafkaClient =
                KafkaClientProperties.of(kafkaOptions, shop.get(ShopOptions.KAFKA_PROPERTIES_FILE));
        return new JobConfig(job, List.copyOf(options), shop, flink, kafkaClient, sources, otherJobs);
    }

    public String job() {
        return job;
    }

    public <T> T get(ConfigOption<T> option) {
        return shop.get(option);
    }

    /** The Kafka client properties every Kafka client of the job takes (security and tuning). */
    public KafkaClientProperties kafkaClient() {
        return kafkaClient;
    }

    /** A Kafka client's base settings: the {@link #kafkaClient() client properties} and the bootstrap servers. */
    public Properties kafkaProperties() {
        return kafkaClient.withBootstrapServers(get(ShopOptions.BOOTSTRAP_SERVERS));
    }

    /**
     * The Flink settings this job adds to its environment: the suite's defaults (where the
     * cluster has none) and every {@code -D} argument. Generic (Kryo) types are always disabled.
     */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration(flink);
        conf.setString("pipeline.generic-types", "false");
        return conf;
    }

    /**
     * Prints the effective configuration, one key per line, with where each value came from.
     * Secrets (Kafka password-type properties, Flink's sensitive keys) are masked.
     */
    public void print(PrintStream out) {
        out.println("ShopStream job '" + job + "' configuration:");
        for (ConfigOption<?> option : options) {
            String from = sources.getOrDefault(option.key(), "default");
            out.printf("  %-34s = %-28s (%s)%n", option.key(), CommandLine.format(shop.get(option)), from);
        }
        for (Map.Entry<String, String> e : kafkaClient.masked().entrySet()) {
            String key = KafkaClientProperties.PREFIX + e.getKey();
            out.printf("  %-34s = %-28s (%s)%n", key, e.getValue(), sources.getOrDefault(key, "kafka.properties-file"));
        }
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(flinkConfiguration().toMap()).entrySet()) {
            String from = sources.getOrDefault(e.getKey(), e.getKey().equals("pipeline.generic-types") ? "always" : "suite default");
            String value = GlobalConfiguration.isSensitive(e.getKey()) ? "******" : e.getValue();
            out.printf("  %-34s = %-28s (%s)%n", e.getKey(), value, from);
        }
        otherJobs.forEach((key, value) -> out.printf("  %-34s = %s, not used: an option of job '%s'%n", key, value,
                key.substring(0, key.indexOf('.'))));
    }

    /** The usage text listing every option of {@code job} (shared and its own) with its default and description. */
    public static String usage(String job, List<ConfigOption<?>> jobOptions) {
        List<ConfigOption<?>> options = new ArrayList<>(ShopOptions.ALL);
        options.addAll(jobOptions);
        return CommandLine.usage(job + " [--key value]... [-Dflink.key=value]...", options)
                + String.format("  --%-32s%n      %s%n", KafkaClientProperties.PREFIX + "<client key> VALUE",
                        "Any Kafka consumer/producer/admin client property, e.g. --kafka.properties.security.protocol"
                                + " SASL_SSL. Secrets can come from Kafka's config providers (config.providers=file,"
                                + " ${file:PATH:KEY}).")
                + "\nAny Flink option can be given as -Dkey=value (for example"
                + " -Dexecution.checkpointing.interval=5s -Dstate.backend.type=hashmap).\n";
    }

    /** Whether {@code key} is one of {@code options} or under one of ShopStream's prefixes. */
    private static boolean isOurs(String key, List<ConfigOption<?>> options) {
        return ShopOptions.PREFIXES.stream().anyMatch(key::startsWith) || options.stream().anyMatch(o -> o.key().equals(key));
    }

    /** Whether {@code key} is under another job's prefix and not one of this job's options. */
    private static boolean isAnotherJobsKey(String job, String key, List<ConfigOption<?>> options) {
        return ShopOptions.JOB_PREFIXES.stream().anyMatch(p -> key.startsWith(p) && !p.equals(job + "."))
                && options.stream().noneMatch(o -> o.key().equals(key));
    }

    private static ConfigException unknown(String key, List<ConfigOption<?>> options) {
        return CommandLine.unknownKey(key, options.stream().map(ConfigOption::key).toList(),
                "Flink options go in config.yaml or -Dkey=value.");
    }

    private static void setShop(Configuration shop, List<ConfigOption<?>> options, String key, String value) {
        ConfigOption<?> option = options.stream().filter(o -> o.key().equals(key)).findFirst().orElse(null);
        if (option == null) {
            throw unknown(key, options);
        }
        CommandLine.set(shop, option, value);
    }

    private static void setFlink(Configuration flink, String key, String value) {
        ConfigOption<?> option = FlinkOptionIndex.find(key);
        if (option == null) {
            String best = CommandLine.closest(key, FlinkOptionIndex.keys());
            throw new ConfigException(
                    "Unknown Flink option '" + key + "' in -D" + key + "=" + value
                            + (best != null ? ": did you mean '" + best + "'?" : "")
                            + " (ShopStream checks -D keys against Flink's documented options)");
        }
        Configuration probe = new Configuration();
        probe.setString(key, value);
        try {
            probe.get(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value '" + value + "' for Flink option '" + key + "': " + CommandLine.rootMessage(e));
        }
        flink.setString(key, value);
    }

    private static void validate(Configuration shop, List<ConfigOption<?>> options) {
        for (ConfigOption<?> option : options) {
            Object value = shop.get(option);
            if (value instanceof Duration d && (d.isNegative() || d.isZero())) {
                throw new ConfigException(
                        "Option '" + option.key() + "' must be a positive duration, got " + CommandLine.format(d));
            }
            if (value instanceof Integer n && n <= 0) {
                throw new ConfigException("Option '" + option.key() + "' must be positive, got " + n);
            }
            if (value instanceof String s && s.isBlank()) {
                throw new ConfigException("Option '" + option.key() + "' must not be empty");
            }
        }
        StartingOffsets.parse(shop.get(ShopOptions.STARTING_OFFSETS));
    }

    /**
     * A sink's transaction is opened after one checkpoint and committed when the next completes:
     * it must outlive a checkpoint interval plus a checkpoint, or Kafka aborts it and the job
     * fails over and over. (Whether the broker accepts the timeout is checked at start against
     * its {@code transaction.max.timeout.ms}: {@code KafkaStartupCheck}.)
     */
    private static void checkTransactionTimeout(Configuration shop, Configuration flink) {
        Duration transaction = shop.get(ShopOptions.TRANSACTION_TIMEOUT);
        Duration interval = flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        Duration checkpoint = flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
        if (interval != null && transaction.compareTo(interval.plus(checkpoint)) <= 0) {
            throw new ConfigException("Option 'kafka.transaction-timeout' is " + CommandLine.format(transaction)
                    + ", not above execution.checkpointing.interval (" + CommandLine.format(interval)
                    + ") + execution.checkpointing.timeout (" + CommandLine.format(checkpoint)
                    + "): Kafka would abort a transaction before its checkpoint commits it."
                    + " Raise kafka.transaction-timeout or lower the checkpoint timeout.");
        }
    }
}
