package io.shopstream.testkit;

import io.shopstream.common.Await;
import io.shopstream.common.kafka.ProducerSettings;
import io.shopstream.common.kafka.TopicReader;
import java.nio.file.Path;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka cluster (KRaft, one combined broker/controller) inside the JVM, on 127.0.0.1,
 * with helpers to create topics, produce and read back committed records.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The user of the {@link #startWithSecuredListener() secured listener}. */
    public static final String SECURED_USER = "shop-client";

    static final String SECURED_LISTENER = "SECURED";

    private final KafkaClusterTestKit cluster;
    private final SecuredListener secured;
    private KafkaProducer<byte[], byte[]> producer;
    private final java.util.concurrent.atomic.AtomicReference<Exception> sendError = new java.util.concurrent.atomic.AtomicReference<>();

    private EmbeddedKafka(KafkaClusterTestKit cluster, SecuredListener secured) {
        this.cluster = cluster;
        this.secured = secured;
    }

    /** Starts a single-node cluster and waits until the broker is ready (about 2 s). */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * Starts a single-node cluster that also has a SASL_SSL listener with SCRAM-SHA-512 login, a
     * certificate for 127.0.0.1 generated now (Java's keytool), and one user, {@link #SECURED_USER},
     * with a random password. The PLAINTEXT listener stays for the test's own producers and readers.
     */
    public static EmbeddedKafka startWithSecuredListener() {
        return start(SecuredListener.create());
    }

    private static EmbeddedKafka start(SecuredListener secured) {
        try {
            KafkaClusterTestKit.Builder builder =
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
                            .setConfigProp("auto.create.topics.enable", "false");
            if (secured != null) {
                secured.brokerConfig().forEach(builder::setConfigProp);
            }
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, secured);
            if (secured != null) {
                kafka.addSecuredUser();
            }
            return kafka;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka cluster", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The SASL_SSL listener's address (only with {@link #startWithSecuredListener()}). */
    public String securedBootstrapServers() {
        if (secured == null) {
            throw new IllegalStateException("This broker has no secured listener: use startWithSecuredListener()");
        }
        int port = cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(SECURED_LISTENER));
        return "127.0.0.1:" + port;
    }

    /**
     * The job arguments of a client of the secured listener, logging in as {@link #SECURED_USER}
     * with {@code password}: {@code --kafka.bootstrap-servers} and the {@code kafka.properties.*}
     * options for SASL_SSL, SCRAM-SHA-512 and the generated truststore.
     */
    public List<String> securedClientArgs(String password) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers", securedBootstrapServers()));
        secured.clientProperties(password).forEach((k, v) -> args.addAll(List.of("--kafka.properties." + k, v)));
        return args;
    }

    /** The password of {@link #SECURED_USER}. */
    public String securedPassword() {
        return secured.password();
    }

    /** Creates the SCRAM user over the PLAINTEXT listener and waits until the secured listener accepts it. */
    private void addSecuredUser() throws Exception {
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SECURED_USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), secured.password())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Properties props = new Properties();
        props.putAll(secured.clientProperties(secured.password()));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, securedBootstrapServers());
        Await.until(() -> {
            try (Admin admin = Admin.create(props)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return true;
            } catch (java.util.concurrent.ExecutionException e) {
                // The credential reaches the broker through the metadata log a moment after it is stored.
                if (e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException) {
                    return false;
                }
                throw e;
            }
        }, Duration.ofSeconds(30), "the secured listener to accept " + SECURED_USER);
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
        Await.until(() -> {
            try {
                return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                    return false; // the new topics' metadata has not reached the broker yet
                }
                throw e;
            }
        }, Duration.ofSeconds(60), "a leader for every partition of " + topics);
        awaitLeadersServing(admin, topics);
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
