package io.shopstream.common.config;

import static org.apache.flink.configuration.ConfigOptions.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    /** An option of the enrich job, as a job declares its own in its folder. */
    static final ConfigOption<Duration> MAX_WAIT =
            key("enrich.max-wait").durationType().defaultValue(Duration.ofSeconds(30)).withDescription("How long.");

    static final List<ConfigOption<?>> ENRICH = List.of(MAX_WAIT);

    private static JobConfig enrich(String... args) {
        return JobConfig.fromArgs("enrich", ENRICH, new Configuration(), args);
    }

    @Test
    void defaultsComeFromTheContract() {
        JobConfig config = enrich();
        assertThat(config.get(ShopOptions.TOPIC_EVENTS)).isEqualTo("shop.events");
        assertThat(config.get(ShopOptions.TOPIC_DLQ)).isEqualTo("shop.dlq");
        assertThat(config.get(MAX_WAIT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(ShopOptions.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.get(ShopOptions.MAX_RECORD_BYTES)).isEqualTo(65_536);
        assertThat(config.flinkConfiguration().toMap())
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("pipeline.object-reuse", "true")
                .containsEntry("pipeline.generic-types", "false");
    }

    @Test
    void argumentsOverrideConfigYamlWhichOverridesDefaults() {
        Configuration yaml = new Configuration();
        yaml.setString("kafka.bootstrap-servers", "kafka:9092");
        yaml.setString("enrich.max-wait", "10 s");
        yaml.setString("state.backend.type", "hashmap");

        JobConfig config = JobConfig.fromArgs("enrich", ENRICH, yaml, "--enrich.max-wait", "2s",
                "--topics.events=my.events", "-Dexecution.checkpointing.interval=5s");

        assertThat(config.get(ShopOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
        assertThat(config.get(MAX_WAIT)).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.get(ShopOptions.TOPIC_EVENTS)).isEqualTo("my.events");
        // The cluster chose its state backend: the suite's default must not override it.
        assertThat(config.flinkConfiguration().toMap())
                .doesNotContainKey("state.backend.type")
                .containsEntry("execution.checkpointing.interval", "5s");
    }

    @Test
    void startingOffsetsAreCommittedEarliestLatestOrAnInstantAndAnythingElseFailsNamingTheKey() {
        assertThat(JobConfig.fromArgs("sessions").get(ShopOptions.STARTING_OFFSETS)).isEqualTo("committed");
        for (String spec : new String[] {"committed", "earliest", "latest", "timestamp:2026-11-01T00:00:00Z"}) {
            JobConfig config = JobConfig.fromArgs("sessions", "--source.starting-offsets", spec);
            assertThat(StartingOffsets.parse(config.get(ShopOptions.STARTING_OFFSETS)).spec()).isEqualTo(spec);
        }
        assertThatThrownBy(() -> JobConfig.fromArgs("sessions", "--source.starting-offsets", "yesterday"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 'yesterday' for option 'source.starting-offsets': expected committed,"
                        + " earliest, latest or timestamp:<ISO-8601 instant>");
        assertThatThrownBy(() -> JobConfig.fromArgs("sessions", "--source.starting-offsets", "timestamp:2026-11-01"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'2026-11-01' is not an ISO-8601 instant");
    }

    @Test
    void unknownShopOptionFailsNamingTheKey() {
        assertThatThrownBy(() -> enrich("--enrich.max-wiat", "2s"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown option 'enrich.max-wiat'")
                .hasMessageContaining("enrich.max-wait");
        assertThatThrownBy(() -> enrich("--bootstrap", "x"))
                .hasMessageContaining("Unknown option 'bootstrap'");
    }

    @Test
    void unknownShopOptionInConfigYamlFails() {
        Configuration yaml = new Configuration();
        yaml.setString("topics.event", "x");
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", ENRICH, yaml)).hasMessageContaining("'topics.event'");
        Configuration misspelt = new Configuration();
        misspelt.setString("enrich.max-wiat", "2 s");
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", ENRICH, misspelt))
                .hasMessageContaining("did you mean 'enrich.max-wait'?");
    }

    @Test
    void anotherJobsOptionIsNotUsedButShown() {
        Configuration yaml = new Configuration();
        yaml.setString("sessions.gap", "10 min");
        yaml.setString("enrich.max-wait", "10 s");
        JobConfig config = JobConfig.fromArgs("enrich", ENRICH, yaml, "--payments.after-order", "soon");
        assertThat(config.get(MAX_WAIT)).isEqualTo(Duration.ofSeconds(10));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        config.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .containsPattern("sessions.gap\\s+= 10 min \\(config.yaml\\), not used: an option of job 'sessions'")
                .containsPattern("payments.after-order\\s+= soon \\(argument\\), not used: an option of job 'payments'");
        // A misspelt prefix is no job's: it fails.
        assertThatThrownBy(() -> enrich("--sesions.gap", "10 min")).hasMessageStartingWith("Unknown option 'sesions.gap'");
    }

    @Test
    void invalidValuesFailNamingTheKey() {
        assertThatThrownBy(() -> enrich("--enrich.max-wait", "soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'enrich.max-wait'")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> enrich("--enrich.max-wait", "0 s"))
                .hasMessage("Option 'enrich.max-wait' must be a positive duration, got 0 s");
        assertThatThrownBy(() -> enrich("--input.max-record-bytes", "-1"))
                .hasMessageContaining("'input.max-record-bytes' must be positive");
        assertThatThrownBy(() -> enrich("--kafka.transaction-timeout", "5min"))
                .hasMessage("Option 'kafka.transaction-timeout' is 5 min, not above execution.checkpointing.interval"
                        + " (10 s) + execution.checkpointing.timeout (5 min): Kafka would abort a transaction before"
                        + " its checkpoint commits it. Raise kafka.transaction-timeout or lower the checkpoint timeout.");
        assertThat(enrich("--kafka.transaction-timeout", "5min", "-Dexecution.checkpointing.timeout=1min")
                .get(ShopOptions.TRANSACTION_TIMEOUT)).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThatThrownBy(() -> enrich("--topics.dlq", " "))
                .hasMessageContaining("'topics.dlq' must not be empty");
    }

    @Test
    void flinkOptionsAreCheckedToo() {
        assertThatThrownBy(() -> enrich("-Dexecution.checkpointing.intervall=5s"))
                .hasMessageContaining("Unknown Flink option 'execution.checkpointing.intervall'");
        assertThatThrownBy(() -> enrich("-Dexecution.checkpointing.interval=often"))
                .hasMessageContaining("'execution.checkpointing.interval'");
        assertThat(enrich("-Dstate.backend.type=hashmap", "-Dparallelism.default=2")
                        .flinkConfiguration().toMap())
                .containsEntry("state.backend.type", "hashmap")
                .containsEntry("parallelism.default", "2");
    }

    @Test
    void malformedArgumentsFail() {
        assertThatThrownBy(() -> enrich("stray")).hasMessageContaining("Unexpected argument 'stray'");
        assertThatThrownBy(() -> enrich("--enrich.max-wait")).hasMessageContaining("Missing value");
        assertThatThrownBy(() -> enrich("-Dnovalue")).hasMessageContaining("-Dkey=value");
    }

    @Test
    void usageListsEveryOptionWithDefaultAndDescription() {
        String usage = JobConfig.usage("enrich", ENRICH);
        assertThat(usage).contains("--enrich.max-wait");
        for (var option : ShopOptions.ALL) {
            assertThat(usage).contains("--" + option.key()).contains(CommandLine.describe(option));
            assertThat(CommandLine.describe(option)).isNotBlank();
        }
        assertThat(usage).contains("default 30 s").doesNotContain("Description@");
    }

    @Test
    void printsEveryOptionWithItsSource() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        enrich("--enrich.max-wait", "2s").print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        for (var option : ShopOptions.ALL) {
            assertThat(printed).contains(option.key());
        }
        assertThat(printed).containsPattern("enrich.max-wait\\s+= 2 s\\s+\\(argument\\)");
        assertThat(printed).containsPattern("topics.events\\s+= shop.events\\s+\\(default\\)");
    }
}
