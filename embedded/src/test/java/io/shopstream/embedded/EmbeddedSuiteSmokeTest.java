package io.shopstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.json.Json;
import io.shopstream.enrich.EnrichJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Starts the embedded suite for a short while and checks that the enrich job works end to end. */
class EmbeddedSuiteSmokeTest {

    @Test
    // About 40 s on an idle 2-core machine; generous limits because a shared one can be far slower.
    @Timeout(300)
    void enrichRunsAndCommitsEnrichedEvents() throws Exception {
        int port = freePort();
        EmbeddedOptions options = EmbeddedOptions.parse(
                "--rest-port", String.valueOf(port), "--rate", "50", "--checkpoint-interval", "1s",
                // The heap backend starts faster; the default (RocksDB) is what bin/shopstream-embedded runs.
                "--state-backend", "hashmap",
                // Only the job under test, to keep this test short on a small machine.
                "--jobs", EnrichJob.NAME);
        String enriched = ShopOptions.TOPIC_ENRICHED.defaultValue();
        try (EmbeddedSuite suite = EmbeddedSuite.start(options, System.out)) {
            assertThat(suite.restAddress().getPort()).isEqualTo(port);

            boolean runningInRest = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline && (!runningInRest || suite.committed(enriched) == 0)) {
                runningInRest = runningInRest || restSaysRunning(port, "ShopStream " + EnrichJob.NAME);
                Thread.sleep(500);
            }
            suite.printView();
            assertThat(runningInRest).as("REST /jobs/overview lists the enrich job RUNNING").isTrue();
            assertThat(suite.status(EnrichJob.NAME)).isEqualTo(JobStatus.RUNNING);
            assertThat(suite.committed(enriched)).as("committed enriched records").isPositive();
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
