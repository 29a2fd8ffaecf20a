package io.shopstream.bench.cluster;

import static io.shopstream.bench.cluster.BenchCluster.OUT;

import io.shopstream.bench.BenchMain;
import io.shopstream.cluster.InputFeed;
import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.enrich.PlainEnrich;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The ceiling ({@code --scenario ceiling}): one producer sends every event as fast as it can (far
 * faster than enrich reads), so enrich catches up a backlog; throughput is events over the time
 * from the first send to the last enriched record visible. Then PlainEnrich runs the same backlog
 * Kafka to Kafka into topics of its own, timed the same way from its start.
 */
final class CeilingScenario {

    private CeilingScenario() {}

    static CeilingRun run(BenchCluster bench) throws Exception {
        ClusterBenchOptions o = bench.options;
        Timeline timeline = bench.timeline;
        bench.phase("backlog", String.format("%,d events as fast as one producer sends them", o.events()));
        bench.showProgress();
        InputFeed feed = bench.feed(Double.POSITIVE_INFINITY);
        feed.run();
        feed.requireNoFailure();
        double sentS = (System.nanoTime() - timeline.firstSent()) / 1e9;
        OUT.printf("  all %,d events sent in %.1f s (%,.0f/s)%n", timeline.sent(), sentS, timeline.sent() / sentS);
        Await.until(() -> timeline.visible() >= timeline.size(),
                Duration.ofSeconds(240 + o.events() / 2_000), "every event visible in the output");
        bench.stopWatchingAfterMoreCheckpoints();
        var checkpoints = bench.checkpointStats();

        bench.phase("plain", "PlainEnrich over the same topics, Kafka to Kafka, into " + CeilingRun.PLAIN_PREFIX + "* topics");
        String enriched = CeilingRun.PLAIN_PREFIX + ShopOptions.TOPIC_ENRICHED.defaultValue();
        String dlq = CeilingRun.PLAIN_PREFIX + ShopOptions.TOPIC_DLQ.defaultValue();
        try (Admin admin = bench.cluster.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(enriched, 4, (short) 1), new NewTopic(dlq, 4, (short) 1)))
                    .all().get(60, TimeUnit.SECONDS);
        }
        JobConfig plainConfig = JobConfig.fromArgs("enrich-plain", "--kafka.bootstrap-servers", bench.cluster.bootstrapServers(),
                "--" + ShopOptions.TOPIC_ENRICHED.key(), enriched, "--" + ShopOptions.TOPIC_DLQ.key(), dlq);
        long expected = timeline.visible();
        long[] handedOn = {0};
        long[] halfway = {0};
        long plainStart = System.nanoTime();
        PlainEnrich plain = PlainEnrich.toKafka(plainConfig, () -> {
            if (++handedOn[0] == expected / 2 + 1) {
                halfway[0] = System.nanoTime();
            }
        });
        long plainEnd = System.nanoTime();
        double plainS = (plainEnd - plainStart) / 1e9;
        double plainSecondHalf = halfway[0] == 0 ? Double.NaN
                : (plain.enrichedCount() - expected / 2) / ((plainEnd - halfway[0]) / 1e9);
        OUT.printf("  PlainEnrich: %,d enriched in %.1f s%n", plain.enrichedCount(), plainS);

        bench.phase("verify", "enrich's output against PlainEnrich over the same topics");
        OutputCheck check = OutputCheck.of(bench.cluster.bootstrapServers());
        CeilingRun ceiling = new CeilingRun(o, bench.minPause, BenchMain.machine(), bench.jobId(),
                timeline.window(Long.MAX_VALUE), timeline.secondHalfPerSecond(), sentS, plain.enrichedCount(), plainS,
                plainSecondHalf, checkpoints, check);
        CeilingRun.write(ceiling);
        ceiling.printSummary(OUT);
        return ceiling;
    }
}
