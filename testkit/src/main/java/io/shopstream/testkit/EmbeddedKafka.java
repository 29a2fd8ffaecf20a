package io.shopstream.testkit;

import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.kafka.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka cluster (KRaft, one combined broker/controller) inside the JVM, on 127.0.0.1,
 * with helpers to create topics, produce and read back committed records.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private KafkaProducer<byte[], byte[]> producer;
    private final java.util.concurrent.atomic.AtomicReference<Exception> sendError = new java.util.concurrent.atomic.AtomicReference<>();

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a single-node cluster and waits until the broker is ready (about 2 s). */
    public static EmbeddedKafka start() {
        try {
            KafkaClusterTestKit cluster =
                    new KafkaClusterTestKit.Builder(
                                    new TestKitNodes.Builder()
                                            .setCombined(true)
                                            .setNumBrokerNodes(1)
                                            .setNumControllerNodes(1)
                                            .build())
                            .setConfigProp("offsets.topic.replication.factor", "1")
                            .setConfigProp("transaction.state.log.replication.factor", "1")
                            .setConfigProp("transaction.state.log.min.isr", "1")
                            .setConfigProp("group.initial.rebalance.delay.ms", "0")
                            .setConfigProp("num.partitions", "4")
                            .setConfigProp("auto.create.topics.enable", "false")
                            .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka cluster", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates topics with the given partitions; {@code compacted} sets cleanup.policy=compact. */
    public void createTopics(int partitions, boolean compacted, String... topics) {
        try (Admin admin = admin()) {
            List<NewTopic> list = new ArrayList<>();
            for (String topic : topics) {
                NewTopic t = new NewTopic(topic, partitions, (short) 1);
                if (compacted) {
                    t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                list.add(t);
            }
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
            awaitLeaders(admin, List.of(topics));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topics " + List.of(topics), e);
        }
    }

    /**
     * Waits until every partition has a leader: right after creation a busy broker answers
     * "not the leader", and a producer that writes then may delay or lose records.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            boolean ready;
            try {
                ready = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // the new topics' metadata has not reached the broker yet
            }
            if (ready) {
                awaitLeadersServing(admin, topics);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Partitions of " + topics + " have no leader after 60 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * The metadata can name a leader a moment before the broker acts as one: a producer that
     * writes then gets "not the leader", and its retry was once refused as out of sequence
     * (the first write had landed), failing the test's input. Listing offsets is answered by
     * the partition's leader itself, so once it succeeds for every partition, writes are safe.
     */
    private static void awaitLeadersServing(Admin admin, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((topic, d) -> d.partitions()
                .forEach(p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Sends a record synchronously-enough: call {@link #flush()} before relying on it. */
    public synchronized void send(String topic, byte[] key, byte[] value) {
        if (producer == null) {
            producer = new KafkaProducer<>(ProducerSettings.idempotent(bootstrapServers()));
        }
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
            if (e != null) {
                sendError.compareAndSet(null, e);
            }
        });
    }

    /** Waits until every record sent so far is written; fails if any of them could not be. */
    public synchronized void flush() {
        if (producer != null) {
            producer.flush();
        }
        Exception e = sendError.get();
        if (e != null) {
            throw new IllegalStateException("A test record could not be written to Kafka", e);
        }
    }
    /**
     * Reads every committed record of {@code topic} (read_committed, up to the current end
     * offsets), in partition order then offset order.
     */
    public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        TopicReader.readToEnd(bootstrapServers(), topic, Duration.ofSeconds(60), records::add);
        records.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records;
    }

    /** Names of the topics that exist. */
    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        cluster.close();
    }
}
