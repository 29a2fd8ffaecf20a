package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.bench.BenchMain.Options;
import io.shopstream.common.config.ConfigException;
import io.shopstream.common.job.ShopJob;
import io.shopstream.enrich.EnrichJob;
import io.shopstream.payments.PaymentsJob;
import io.shopstream.suite.SuiteJobs;
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
    void eachFigureIsAtLeastTenSecondsOfProcessingUnlessToldOtherwise() {
        assertThat(Options.parse().minPass()).isEqualTo(Duration.ofSeconds(10));
        assertThat(Options.parse("--min-pass", "0").minPass()).isZero();
        assertThat(Options.parse("--min-pass", "1 min").minPass()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void measuresTheJobsAskedForInTheSuitesOrder() {
        assertThat(Options.parse().jobs()).containsExactlyElementsOf(SuiteJobs.ALL);
        assertThat(Options.parse("--jobs", "payments,enrich").jobs()).containsExactly(EnrichJob.JOB, PaymentsJob.JOB);
    }

    @Test
    void theTopicRateTakesKafkaClientProperties() {
        Options o = Options.parse("--rate-bootstrap-servers", "broker:9093", "--rate-topic", "shop.events",
                "--kafka.properties.security.protocol", "SASL_SSL", "--kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        assertThat(o.rateClient().withBootstrapServers(o.rateBootstrapServers())).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512"));
        assertThatThrownBy(() -> Options.parse("--kafka.properties.security.protocol", "SSL"))
                .hasMessage("Kafka client properties need 'rate-bootstrap-servers' and 'rate-topic'");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t",
                "--kafka.properties.securty.protocol", "SSL"))
                .hasMessageContaining("did you mean 'security.protocol'");
    }

    @Test
    void failsFastOnWhatItDoesNotKnow() {
        assertThatThrownBy(() -> Options.parse("--rate-topik", "shop.events"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown option 'rate-topik': did you mean 'rate-topic'? (see --help)");
        assertThatThrownBy(() -> Options.parse("--rate-topic", "shop.events"))
                .hasMessage("Options 'rate-bootstrap-servers' and 'rate-topic' go together");
        assertThatThrownBy(() -> Options.parse("--rate-window", "10s"))
                .hasMessage("Option 'rate-window' needs 'rate-bootstrap-servers' and 'rate-topic'");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t", "--rate-window",
                "soon")).hasMessageStartingWith("Invalid value 'soon' for 'rate-window' (default 30 s)");
        assertThatThrownBy(() -> Options.parse("--rate-bootstrap-servers", "b:9092", "--rate-topic", "t", "--rate-window",
                "500ms")).hasMessage("Option 'rate-window' must be at least 1 s, got 500 ms");
        assertThatThrownBy(() -> Options.parse("--events", "lots")).hasMessageStartingWith("Invalid value 'lots' for 'events'");
        assertThatThrownBy(() -> Options.parse("--repeats", "0")).hasMessage("Option 'repeats' must be at least 1, got 0");
        assertThatThrownBy(() -> Options.parse("--min-pass", "a while"))
                .hasMessageStartingWith("Invalid value 'a while' for 'min-pass' (default 10 s)");
        assertThatThrownBy(() -> Options.parse("--event-rate", "-5"))
                .hasMessage("Option 'event-rate' must be a number of at least 0, got -5.0");
        assertThatThrownBy(() -> Options.parse("--rate-topic")).hasMessage("Missing value after '--rate-topic'");
        assertThatThrownBy(() -> Options.parse("--jobs", "enrich,sesions")).hasMessage(
                "Unknown job 'sesions': did you mean 'sessions'? The suite's jobs are [enrich, category-stats, sessions,"
                        + " payments].");
    }

    @Test
    void helpListsEveryOption() {
        String usage = Options.usage();
        for (var option : Options.ALL) {
            assertThat(usage).contains("--" + option.key() + " ");
        }
        assertThat(usage).contains("--kafka.properties.<client key>");
    }

    @Test
    void everySuiteJobHasAMeasurement() {
        assertThat(SuiteJobs.ALL).allSatisfy(job -> assertThat(Measurements.measured(job)).isSameAs(job));
    }
}
