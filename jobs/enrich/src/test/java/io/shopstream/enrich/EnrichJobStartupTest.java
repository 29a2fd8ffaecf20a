package io.shopstream.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.config.ConfigException;
import io.shopstream.common.job.JobSetup;
import io.shopstream.testkit.ContractTopics;
import io.shopstream.testkit.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code enrich}'s {@code main} on a broken set-up fails at start, within the startup check's
 * timeout, with a message naming the key, topic or broker; on a sound one (PLAINTEXT or
 * SASL_SSL) it gets as far as building the job. Against a real broker with a SASL_SSL listener.
 */
class EnrichJobStartupTest {

    private static EmbeddedKafka kafka;
    private static List<String> topics;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startWithSecuredListener();
        topics = ContractTopics.createAll(kafka, 1, "startup.");
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutNamingTheAddress() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", "127.0.0.1:1",
                        "--kafka.startup-check-timeout", "2s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Kafka at 127.0.0.1:1 (kafka.bootstrap-servers, PLAINTEXT) did not answer within 2 s");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds until the failure").isLessThan(30);
    }

    @Test
    void aWrongPasswordFailsNamingTheBrokerAndTheMechanism() {
        List<String> secured = kafka.securedClientArgs("not-the-password");
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args(secured.toArray(String[]::new))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Kafka at " + kafka.securedBootstrapServers()
                        + " (kafka.bootstrap-servers, SASL_SSL with SASL mechanism SCRAM-SHA-512) refused the login");
    }

    @Test
    void aMissingInputTopicFailsNamingItAndItsOption() {
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--topics.events", "startup.no-such-events")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Topic 'startup.no-such-events' (topics.events) does not exist on Kafka at "
                        + kafka.bootstrapServers() + " (kafka.bootstrap-servers, PLAINTEXT). Create it (README:"
                        + " \"Running on a real cluster\") or fix the topic option.");
    }

    @Test
    void aMissingOutputTopicFailsNamingItAndItsOption() {
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--topics.dlq", "startup.no-such-dlq")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Topic 'startup.no-such-dlq' (topics.dlq) does not exist");
    }

    @Test
    void anOutputThatIsAlsoAnInputFails() {
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--topics.enriched", "startup.shop.events")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Options 'topics.events' and 'topics.enriched' both name topic 'startup.shop.events':"
                        + " a job must not write to a topic it reads");
    }

    @Test
    void aTransactionTimeoutNotAboveIntervalPlusCheckpointTimeoutFails() {
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--kafka.transaction-timeout", "2min", "-Dexecution.checkpointing.interval=1min",
                        "-Dexecution.checkpointing.timeout=1min")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Option 'kafka.transaction-timeout' is 2 min, not above"
                        + " execution.checkpointing.interval (1 min) + execution.checkpointing.timeout (1 min)");
    }

    @Test
    void aTransactionTimeoutAboveTheBrokersMaximumFails() {
        assertThatThrownBy(() -> JobSetup.run(EnrichJob.JOB, args("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--kafka.transaction-timeout", "20min")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Option 'kafka.transaction-timeout' is 1200000 ms, above broker 0's"
                        + " transaction.max.timeout.ms (900000 ms)");
    }

    @Test
    void aSoundSetUpPassesOverPlaintextAndSaslSsl() {
        assertThat(JobSetup.start(EnrichJob.JOB,
                        args("--kafka.bootstrap-servers", kafka.bootstrapServers())))
                .isNotNull();
        List<String> secured = kafka.securedClientArgs(kafka.securedPassword());
        assertThat(JobSetup.start(EnrichJob.JOB, args(secured.toArray(String[]::new))))
                .isNotNull();
    }

    /** The contract topics made for this test, then {@code extra} (a later option overrides an earlier one). */
    private static String[] args(String... extra) {
        List<String> args = new ArrayList<>(topics);
        args.addAll(List.of("--kafka.startup-check-timeout", "20s"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
