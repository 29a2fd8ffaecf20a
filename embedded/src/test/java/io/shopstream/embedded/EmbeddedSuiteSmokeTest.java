package io.shopstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.job.ShopJob;
import io.shopstream.common.json.Json;
import io.shopstream.suite.SuiteJobs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starts the embedded suite with every job, as {@code bin/shopstream-embedded} does, and checks
 * that every job runs and every output topic (windows, sessions, payment verdicts included) has
 * committed records within two minutes at the default time scale.
 */
class EmbeddedSuiteSmokeTest {

    private static final List<String> OUTPUTS = Stream.of(ShopOptions.TOPIC_ENRICHED, ShopOptions.TOPIC_DLQ,
                    ShopOptions.TOPIC_CATEGORY_STATS, ShopOptions.TOPIC_SESSIONS, ShopOptions.TOPIC_ORDERS_PAID,
                    ShopOptions.TOPIC_ORDERS_UNPAID, ShopOptions.TOPIC_PAYMENTS_ORPHANED)
            .map(ConfigOption::defaultValue).toList();

    @Test
    // About 60 s on an idle 2-core machine; generous limits because a shared one can be far slower.
    @Timeout(400)
    void everyJobRunsAndEveryOutputArrivesWithinTwoMinutes() throws Exception {
        int port = freePort();
        EmbeddedOptions options = EmbeddedOptions.parse(
                "--rest-port", String.valueOf(port), "--rate", "100", "--checkpoint-interval", "1s",
                // The heap backend starts faster; the default (RocksDB) is what bin/shopstream-embedded runs.
                "--state-backend", "hashmap");
        try (EmbeddedSuite suite = EmbeddedSuite.start(options, System.out)) {
            assertThat(suite.restAddress().getPort()).isEqualTo(port);
            // start() returns once every task runs: from here on the clock is the user's.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && OUTPUTS.stream().anyMatch(t -> suite.committed(t) == 0)) {
                Thread.sleep(500);
            }
            suite.printView();
            for (String job : suite.jobs().keySet()) {
                assertThat(restSaysRunning(port, ShopJob.displayName(job))).as("REST /jobs/overview lists %s RUNNING", job).isTrue();
                assertThat(suite.status(job)).isEqualTo(JobStatus.RUNNING);
            }
            assertThat(suite.jobs().keySet()).containsExactlyInAnyOrderElementsOf(
                    SuiteJobs.names());
            for (String topic : OUTPUTS) {
                assertThat(suite.committed(topic)).as("committed records in %s within two minutes", topic).isPositive();
            }
        }
    }

    private static boolean restSaysRunning(int port, String jobName) throws InterruptedException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/overview"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            for (JsonNode job : Json.MAPPER.readTree(response.body()).path("jobs")) {
                if (job.path("name").asText().equals(jobName) && job.path("state").asText().equals("RUNNING")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
