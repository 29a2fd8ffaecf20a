package io.shopstream.bench;

import io.shopstream.common.config.KafkaClientProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The live rate of a Kafka topic, to set against the measured ceilings: its summed read_committed
 * end offsets, sampled once a second over a window; mean = growth over the whole window, peak =
 * the highest one-second growth.
 *
 * <p>It counts offsets: on a topic written in transactions, each commit marker (one per partition
 * per transaction) and each aborted record counts too, a small excess at checkpoint intervals.
 * Partitions are those of the topic when sampling starts.
 */
final class TopicRate {

    private static final long ANSWER_TIMEOUT_SECONDS = 30;

    private TopicRate() {}

    /** One sample: seconds since the first, records added since the first, rate since the previous one. */
    record Sample(double elapsedSeconds, long records, double recordsPerSecond) {}

    /** What was measured: the records added over {@code seconds}, their mean rate and the peak one-second rate. */
    record Measured(String bootstrapServers, String topic, Duration window, double seconds, long records,
            double meanPerSecond, double peakPerSecond) {}

    /**
     * Samples {@code topic} once a second for {@code window} (rounded up to whole seconds, at
     * least one); {@code onSample} sees every sample as it is taken, the first one included.
     */
    static Measured measure(String bootstrapServers, String topic, Duration window, Consumer<Sample> onSample) {
        return measure(KafkaClientProperties.none().withBootstrapServers(bootstrapServers), topic, window, onSample);
    }

    /** {@link #measure(String, String, Duration, Consumer)} with a client's settings: servers and security. */
    static Measured measure(Properties client, String topic, Duration window, Consumer<Sample> onSample) {
        String bootstrapServers = client.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "shopstream-bench-topic-rate");
        int intervals = (int) Math.max(1, (window.toMillis() + 999) / 1000);
        try (Admin admin = Admin.create(props)) {
            List<TopicPartition> partitions = partitions(admin, bootstrapServers, topic);
            long start = System.nanoTime();
            long first = endOffsets(admin, partitions);
            onSample.accept(new Sample(0, 0, 0));
            long previous = first;
            long previousNanos = start;
            double peak = 0;
            for (int k = 1; k <= intervals; k++) {
                // On the start's one-second grid, so that a slow answer does not stretch the window.
                long sleepNanos = start + TimeUnit.SECONDS.toNanos(k) - System.nanoTime();
                if (sleepNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleepNanos);
                }
                long now = System.nanoTime();
                long sum = endOffsets(admin, partitions);
                double rate = (sum - previous) / ((now - previousNanos) / 1e9);
                peak = Math.max(peak, rate);
                previous = sum;
                previousNanos = now;
                onSample.accept(new Sample((now - start) / 1e9, sum - first, rate));
            }
            double seconds = (previousNanos - start) / 1e9;
            return new Measured(bootstrapServers, topic, window, seconds, previous - first, (previous - first) / seconds,
                    peak);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sampling the rate of " + topic, e);
        }
    }

    private static List<TopicPartition> partitions(Admin admin, String bootstrapServers, String topic)
            throws InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalArgumentException("--rate-topic: topic " + topic + " does not exist at " + bootstrapServers);
            }
            throw new IllegalStateException("Cannot describe topic " + topic + " at " + bootstrapServers, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer from Kafka at " + bootstrapServers + " within "
                    + ANSWER_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** The summed read_committed end offsets (last stable offsets) of the partitions. */
    private static long endOffsets(Admin admin, List<TopicPartition> partitions) throws InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        try {
            return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the end offsets of " + partitions, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No end offsets for " + partitions + " within " + ANSWER_TIMEOUT_SECONDS + " s", e);
        }
    }
}
