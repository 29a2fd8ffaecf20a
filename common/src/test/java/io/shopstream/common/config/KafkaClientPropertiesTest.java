package io.shopstream.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void anOptionOverridesTheFileAndBothReachTheClient() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "# Kafka's own format\nsecurity.protocol=SASL_SSL\nsasl.mechanism = PLAIN\n");
        JobConfig config = JobConfig.fromArgs("enrich", "--kafka.properties-file", file.toString(),
                "--kafka.properties.sasl.mechanism", "SCRAM-SHA-512", "-Dkafka.properties.request.timeout.ms=20000",
                "--kafka.bootstrap-servers", "broker:9093");

        Properties client = config.kafkaProperties();
        assertThat(client).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "request.timeout.ms", "20000",
                "bootstrap.servers", "broker:9093"));
        assertThat(config.kafkaClient().describeSecurity()).isEqualTo("SASL_SSL with SASL mechanism SCRAM-SHA-512");
    }

    @Test
    void anUnknownKeyFailsWithASuggestion() {
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties.sasl.mechansim", "PLAIN"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Unknown Kafka client property 'sasl.mechansim' (kafka.properties.sasl.mechansim):"
                        + " did you mean 'sasl.mechanism'?");
    }

    @Test
    void keysTheSuiteSetsItselfAreRefusedWithTheOptionToUse() {
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties.bootstrap.servers", "b:9092"))
                .hasMessage("Kafka client property 'bootstrap.servers' (kafka.properties.bootstrap.servers) is set by"
                        + " ShopStream: use kafka.bootstrap-servers");
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties.isolation.level", "read_uncommitted"))
                .hasMessageContaining("exactly-once output depends on it");
    }

    @Test
    void anInvalidValueFailsNamingTheKey() {
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties.security.protocol", "SASL_TLS"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value for Kafka client property 'security.protocol'");
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties.request.timeout.ms", "soon"))
                .hasMessageStartingWith("Invalid value for Kafka client property 'request.timeout.ms'");
    }

    @Test
    void anUnreadableFileFailsNamingIt() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> JobConfig.fromArgs("enrich", "--kafka.properties-file", missing.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Cannot read the Kafka client properties file '" + missing + "' (kafka.properties-file)");
    }

    @Test
    void secretsAreMaskedWhenTheConfigurationIsPrinted() {
        JobConfig config = JobConfig.fromArgs("enrich",
                "--kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";",
                "--kafka.properties.ssl.truststore.password", "hunter3",
                "--kafka.properties.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "-Dsecurity.ssl.rest.keystore-password=hunter4");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        config.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(printed).doesNotContain("hunter2", "hunter3", "hunter4");
        assertThat(printed).contains("kafka.properties.sasl.jaas.config", "kafka.properties.ssl.truststore.password",
                "/etc/kafka/truststore.p12", "security.ssl.rest.keystore-password");
        assertThat(config.kafkaClient().toString()).doesNotContain("hunter2", "hunter3");
    }

    /** Kafka's config providers keep secrets out of the command line: resolved inside each client. */
    @Test
    void configProviderReferencesPassAndAreResolvedByTheClient() throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "truststore=s3cret\n");
        JobConfig config = JobConfig.fromArgs("enrich",
                "--kafka.properties.config.providers", "file",
                "--kafka.properties.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "--kafka.properties.ssl.truststore.password", "${file:" + secrets + ":truststore}");

        Properties props = config.kafkaProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        assertThat(new ConsumerConfig(props).getPassword("ssl.truststore.password").value()).isEqualTo("s3cret");
    }
}
