package io.shopstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The live topic rate against a real in-JVM Kafka broker. */
class TopicRateTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void countsExactlyTheCommittedRecordsProducedWhileSampling() throws Exception {
        kafka.createTopics(2, false, "rate.events");
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(ProducerSettings.idempotent(kafka.bootstrapServers()));
                KafkaProducer<byte[], byte[]> transactional = new KafkaProducer<>(transactionalProperties())) {
            transactional.initTransactions();
            // Records written before sampling starts are not part of the rate.
            send(plain, 1, 50);
            // Bursts of different sizes right after the first samples, each flushed before the
            // next sample is taken, so the window holds all of them and the seconds differ. After
            // the second sample, a transaction on the other partition stays open: read_committed
            // does not count it.
            int[] bursts = {700, 300, 1200};
            List<TopicRate.Sample> samples = new ArrayList<>();
            TopicRate.Measured m = TopicRate.measure(kafka.bootstrapServers(), "rate.events", Duration.ofSeconds(5), s -> {
                samples.add(s);
                if (samples.size() <= bursts.length) {
                    send(plain, 1, bursts[samples.size() - 1]);
                }
                if (samples.size() == 2) {
                    transactional.beginTransaction();
                    send(transactional, 0, 100);
                }
            });
            transactional.abortTransaction();

            // Every sample counts exactly the committed records the broker holds by then: the bursts,
            // never the 50 before the start nor the open transaction's 100.
            assertThat(samples).extracting(TopicRate.Sample::records).containsExactly(0L, 700L, 1000L, 2200L, 2200L, 2200L);
            assertThat(m.records()).isEqualTo(2200);
            // Each sample's rate is its growth over the time since the previous sample; the peak is
            // the highest of them, the mean the growth over the whole window.
            for (int k = 1; k < samples.size(); k++) {
                TopicRate.Sample now = samples.get(k);
                TopicRate.Sample before = samples.get(k - 1);
                assertThat(now.recordsPerSecond()).as("rate of sample %d", k).isCloseTo(
                        (now.records() - before.records()) / (now.elapsedSeconds() - before.elapsedSeconds()),
                        Offset.offset(1e-6));
            }
            assertThat(m.peakPerSecond()).isPositive()
                    .isEqualTo(samples.stream().mapToDouble(TopicRate.Sample::recordsPerSecond).max().orElseThrow());
            assertThat(samples.get(4).recordsPerSecond()).isZero();
            assertThat(samples.get(5).recordsPerSecond()).isZero();
            assertThat(m.seconds()).isEqualTo(samples.get(5).elapsedSeconds()).isBetween(5.0, 30.0);
            assertThat(m.meanPerSecond()).isCloseTo(2200 / samples.get(5).elapsedSeconds(), Offset.offset(1e-6));
        }
    }

    @Test
    void aMissingTopicFailsAtOnceNamingIt() {
        assertThatThrownBy(() -> TopicRate.measure(kafka.bootstrapServers(), "no.such.topic", Duration.ofSeconds(1), s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no.such.topic does not exist");
    }

    /** Sends {@code count} records to one partition and waits until they are written. */
    private static void send(KafkaProducer<byte[], byte[]> producer, int partition, int count) {
        for (int i = 0; i < count; i++) {
            byte[] value = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>("rate.events", partition, null, value));
        }
        producer.flush();
    }

    private static Properties transactionalProperties() {
        Properties props = ProducerSettings.idempotent(kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "topic-rate-test");
        return props;
    }
}
