package io.shopstream.common.kafka;

import io.shopstream.common.config.ConfigException;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job checks at start, before it is submitted, so that a typo fails at once with a message
 * naming the key, topic or broker instead of a job failing over and over under its restart
 * strategy: no output is also an input, the broker answers and accepts the login, every input and
 * output topic exists, and the broker accepts the sinks' transaction timeout. Every wait is
 * bounded by {@code kafka.startup-check-timeout}.
 */
public final class KafkaStartupCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStartupCheck.class);

    private static final String MAX_TRANSACTION_TIMEOUT = "transaction.max.timeout.ms";

    private KafkaStartupCheck() {}

    /** A job's topics, as the options that name them. */
    public record Topics(List<ConfigOption<String>> inputs, List<ConfigOption<String>> outputs) {}

    /** Runs every check; throws a {@link ConfigException} describing the first problem found. */
    public static void check(JobConfig config, Topics topics) {
        Map<String, ConfigOption<String>> named = checkInputsAreNotOutputs(config, topics);
        String servers = config.get(ShopOptions.BOOTSTRAP_SERVERS);
        Duration timeout = config.get(ShopOptions.STARTUP_CHECK_TIMEOUT);
        Properties props = config.kafkaProperties();
        String millis = String.valueOf(Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "shopstream-" + config.job() + "-startup-check");
        Failures failures = new Failures(
                "Kafka at " + servers + " (kafka.bootstrap-servers, " + config.kafkaClient().describeSecurity() + ")",
                timeout);
        try (Admin admin = Admin.create(props)) {
            Collection<Node> nodes = failures.await(admin.describeCluster().nodes(), "connecting");
            checkTopicsExist(admin, named, failures);
            checkTransactionTimeout(admin, config, nodes, failures);
        } catch (NotAuthorized e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The job's topics by name; fails when one topic is both read and written, or written twice. */
    private static Map<String, ConfigOption<String>> checkInputsAreNotOutputs(JobConfig config, Topics topics) {
        Map<String, ConfigOption<String>> named = new LinkedHashMap<>();
        for (ConfigOption<String> input : topics.inputs()) {
            named.put(config.get(input), input);
        }
        for (ConfigOption<String> output : topics.outputs()) {
            ConfigOption<String> other = named.putIfAbsent(config.get(output), output);
            if (other != null) {
                throw new ConfigException("Options '" + other.key() + "' and '" + output.key() + "' both name topic '"
                        + config.get(output) + "': " + (topics.inputs().contains(other)
                                ? "a job must not write to a topic it reads"
                                : "two outputs of a job must not share a topic"));
            }
        }
        return named;
    }

    private static void checkTopicsExist(Admin admin, Map<String, ConfigOption<String>> named, Failures failures) {
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(named.keySet()).topicNameValues();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
            try {
                failures.await(e.getValue(), "describing topic '" + e.getKey() + "'");
            } catch (UnknownTopicOrPartitionException unknown) {
                missing.add("'" + e.getKey() + "' (" + named.get(e.getKey()).key() + ")");
            }
        }
        if (!missing.isEmpty()) {
            boolean one = missing.size() == 1;
            throw new ConfigException((one ? "Topic " : "Topics ") + String.join(", ", missing)
                    + (one ? " does" : " do") + " not exist on " + failures.where + ". Create " + (one ? "it" : "them")
                    + " (README: \"Running on a real cluster\") or fix the topic option.");
        }
    }

    /**
     * The broker refuses to start a transaction whose timeout exceeds its {@code
     * transaction.max.timeout.ms}; the sink would find out only at its first write. A principal
     * that may not read the broker's configuration is warned about, not stopped.
     */
    private static void checkTransactionTimeout(Admin admin, JobConfig config, Collection<Node> nodes, Failures failures) {
        Duration wanted = config.get(ShopOptions.TRANSACTION_TIMEOUT);
        List<ConfigResource> brokers = nodes.stream()
                .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString()))
                .toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = failures.await(admin.describeConfigs(brokers).all(), "reading the brokers' configuration");
        } catch (NotAuthorized e) {
            LOG.warn("Cannot check kafka.transaction-timeout against the brokers' {}: not authorized to describe"
                    + " their configuration", MAX_TRANSACTION_TIMEOUT);
            return;
        }
        for (ConfigResource broker : brokers) {
            ConfigEntry max = configs.get(broker).get(MAX_TRANSACTION_TIMEOUT);
            if (max != null && max.value() != null && wanted.toMillis() > Long.parseLong(max.value())) {
                throw new ConfigException("Option 'kafka.transaction-timeout' is " + wanted.toMillis() + " ms, above broker "
                        + broker.name() + "'s " + MAX_TRANSACTION_TIMEOUT + " (" + max.value() + " ms) on "
                        + failures.where + ": the broker would refuse every transaction. Lower"
                        + " kafka.transaction-timeout or raise the broker's limit.");
            }
        }
    }

    /** The principal may not do this; the caller decides whether that matters. */
    private static final class NotAuthorized extends RuntimeException {
        NotAuthorized(String message) {
            super(message, null, false, false);
        }
    }

    /** Waits on the admin client's answers and turns what goes wrong into one clear message. */
    private record Failures(String where, Duration timeout) {

        <T> T await(KafkaFuture<T> future, String doing) {
            try {
                return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw explain(e.getCause(), doing);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("Interrupted while " + doing + " on " + where);
            } catch (java.util.concurrent.TimeoutException e) {
                throw explain(e, doing);
            }
        }

        private RuntimeException explain(Throwable cause, String doing) {
            if (cause instanceof UnknownTopicOrPartitionException unknown) {
                return unknown; // collected by the caller, so that one message names every missing topic
            }
            if (cause instanceof SslAuthenticationException) {
                return new ConfigException("The TLS handshake with " + where + " failed: " + cause.getMessage()
                        + ". Check kafka.properties.ssl.truststore.* (and the broker's certificate and host name).");
            }
            if (cause instanceof AuthenticationException) {
                return new ConfigException(where + " refused the login: " + cause.getMessage() + ". Check the user and"
                        + " password in kafka.properties.sasl.jaas.config and kafka.properties.sasl.mechanism.");
            }
            if (cause instanceof AuthorizationException) {
                return new NotAuthorized(where + " refused access while " + doing + ": " + cause.getMessage()
                        + ". The job's principal needs describe on its topics (docs/operations.md, Security).");
            }
            if (cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                return new ConfigException(where + " did not answer within " + timeout.toSeconds() + " s while " + doing
                        + ". Check the host, the port, that the broker runs, and that security.protocol matches the"
                        + " broker's listener (kafka.startup-check-timeout sets the wait).");
            }
            return new ConfigException("Kafka check failed on " + where + " while " + doing + ": " + cause);
        }
    }
}
