package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.bench.BenchMain.Options;
import io.shopstream.bench.Measurements.Job;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command's options: the rate options, and failing fast on anything wrong. */
class BenchOptionsTest {

    @Test
    void readsTheRateOptions() {
        Options o = Options.parse("--rate-bootstrap-servers", "broker:9092", "--rate-topic", "shop.events", "--rate-window",
                "2 min", "--events", "1000");
        assertThat(o.rateBootstrapServers()).isEqualTo("broker:9092");
        assertThat(o.rateTopic()).isEqualTo("shop.events");
        assertThat(o.rateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.events()).isEqualTo(1000);
        assertThat(Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t").rateWindow())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(Options.parse().rateTopic()).isNull();
    }

    @Test
    void measuresTheJobsAskedForInTheSuitesOrder() {
        assertThat(Options.parse().jobs()).containsExactly(Job.values());
        assertThat(Options.parse("--jobs", "payments,enrich").jobs()).containsExactly(Job.ENRICH, Job.PAYMENTS);
    }

    @Test
    void theTopicRateTakesKafkaClientProperties() {
        Options o = Options.parse("--rate-bootstrap-servers", "broker:9093", "--rate-topic", "shop.events",
                "--kafka.properties.security.protocol", "SASL_SSL", "--kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        assertThat(o.rateClient().withBootstrapServers(o.rateBootstrapServers())).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512"));
        assertThatThrownBy(() -> Options.parse("--kafka.properties.security.protocol", "SSL"))
                .hasMessageStartingWith("Kafka client properties need --rate-bootstrap-servers and --rate-topic");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t",
                "--kafka.properties.securty.protocol", "SSL"))
                .hasMessageContaining("did you mean 'security.protocol'");
    }

    @Test
    void failsFastOnWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Options.parse("--rate-topik", "shop.events"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown option --rate-topik. Usage: bin/shopstream-bench");
        assertThatThrownBy(() -> Options.parse("--rate-topic", "shop.events"))
                .hasMessageStartingWith("--rate-bootstrap-servers and --rate-topic go together");
        assertThatThrownBy(() -> Options.parse("--rate-window", "10s"))
                .hasMessageStartingWith("--rate-window needs --rate-bootstrap-servers and --rate-topic");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t", "--rate-window",
                "soon")).hasMessage("--rate-window must be a duration such as 30s or 2 min, got soon");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t", "--rate-window",
                "500ms")).hasMessage("--rate-window must be at least 1s, got 500ms");
        assertThatThrownBy(() -> Options.parse("--events", "lots")).hasMessage("--events must be a whole number of at least 1, got lots");
        assertThatThrownBy(() -> Options.parse("--repeats", "0")).hasMessage("--repeats must be a whole number of at least 1, got 0");
        assertThatThrownBy(() -> Options.parse("--event-rate", "-5")).hasMessage("--event-rate must be a number of at least 0, got -5");
        assertThatThrownBy(() -> Options.parse("--rate-topic")).hasMessageStartingWith("Option --rate-topic needs a value");
        assertThatThrownBy(() -> Options.parse("--jobs", "enrich,sesions")).hasMessage(
                "--jobs: unknown job 'sesions'; the jobs are enrich, category-stats, sessions, payments");
    }
}
