package io.shopstream.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Kafka client properties the user gives (security, timeouts, tuning), passed to every Kafka
 * client of the suite: the jobs' sources and sinks, the plain loops, the generator and the bench.
 * They come from {@code kafka.properties.<client key>} options and from a file in Kafka's own
 * client-properties format ({@code kafka.properties-file}); an option overrides the file.
 *
 * <p>Every key must be one Kafka's consumer, producer or admin client knows, or a config provider
 * setting ({@code config.providers...}), so a typo fails at start instead of being ignored with a
 * warning in a TaskManager's log. Keys that carry ShopStream's own guarantees (the bootstrap
 * servers, group and transactional ids, isolation level, serializers) are refused with the option
 * to use instead. Values of secret keys are masked wherever the suite prints them.
 */
public final class KafkaClientProperties {

    /** The option prefix: {@code kafka.properties.security.protocol} sets {@code security.protocol}. */
    public static final String PREFIX = "kafka.properties.";

    private static final String MASK = "******";

    /** Keys the suite sets itself, with what to use instead. */
    private static final Map<String, String> RESERVED = reserved();

    /** Every key Kafka's consumer, producer and admin client know, with its type and validator. */
    private static final Map<String, ConfigDef.ConfigKey> KNOWN = known();

    private final TreeMap<String, String> properties;

    private KafkaClientProperties(Map<String, String> properties) {
        this.properties = new TreeMap<>(properties);
    }

    /** The client key an option key names ({@code kafka.properties.acks} names {@code acks}), or null if none. */
    public static String clientKeyOf(String optionKey) {
        return optionKey.startsWith(PREFIX) ? optionKey.substring(PREFIX.length()) : null;
    }

    /** No properties: clients of the suite's own PLAINTEXT broker on 127.0.0.1. */
    public static KafkaClientProperties none() {
        return new KafkaClientProperties(Map.of());
    }

    /**
     * The properties of {@code file} (Kafka client-properties format; null for none) overridden by
     * {@code options}, whose keys are client keys (without {@link #PREFIX}). Fails with a
     * {@link ConfigException} naming the key on an unknown or refused key, an invalid value or an
     * unreadable file.
     */
    public static KafkaClientProperties of(Map<String, String> options, String file) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null && !file.isBlank()) {
            merged.putAll(load(Path.of(file)));
        }
        merged.putAll(options);
        merged.forEach(KafkaClientProperties::check);
        return new KafkaClientProperties(merged);
    }

    /** The properties, in key order (values unmasked: for the clients only). */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(properties);
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    /** A client's base settings: these properties and the bootstrap servers. */
    public Properties withBootstrapServers(String bootstrapServers) {
        Properties props = new Properties();
        props.putAll(properties);
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** The properties for printing: values of secret keys replaced by {@code ******}. */
    public Map<String, String> masked() {
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> out.put(k, isSecret(k) ? MASK : v));
        return out;
    }

    /** Whether a client key holds a secret: Kafka declares it a password, or its name says so. */
    public static boolean isSecret(String key) {
        ConfigDef.ConfigKey def = KNOWN.get(key);
        if (def != null && def.type == ConfigDef.Type.PASSWORD) {
            return true;
        }
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("jaas");
    }

    /** The security protocol and SASL mechanism in use, for messages about a refused connection. */
    public String describeSecurity() {
        String protocol = properties.getOrDefault("security.protocol", "PLAINTEXT");
        String mechanism = properties.get("sasl.mechanism");
        return protocol.startsWith("SASL")
                ? protocol + " with SASL mechanism " + (mechanism == null ? "GSSAPI (Kafka's default)" : mechanism)
                : protocol;
    }

    @Override
    public String toString() {
        return masked().toString();
    }

    private static void check(String key, String value) {
        String instead = RESERVED.get(key);
        if (instead != null) {
            throw new ConfigException("Kafka client property '" + key + "' (" + PREFIX + key + ") is set by ShopStream: "
                    + instead);
        }
        if (key.startsWith(AbstractConfig.CONFIG_PROVIDERS_CONFIG)) {
            return; // config.providers and config.providers.<alias>.class/.param.<name>: the provider's own keys
        }
        ConfigDef.ConfigKey def = KNOWN.get(key);
        if (def == null) {
            throw new ConfigException("Unknown Kafka client property '" + key + "' (" + PREFIX + key + ")"
                    + suggestion(key) + ". Kafka's consumer, producer and admin client keys are accepted;"
                    + " see https://kafka.apache.org/documentation/#configuration");
        }
        if (value.contains("${")) {
            return; // resolved by a config provider inside each client
        }
        try {
            Object parsed = ConfigDef.parseType(key, value, def.type);
            if (def.validator != null) {
                def.validator.ensureValid(key, parsed);
            }
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new ConfigException("Invalid value for Kafka client property '" + key + "' (" + PREFIX + key + "): "
                    + (isSecret(key) ? "not a valid " + def.type.name().toLowerCase(Locale.ROOT) : e.getMessage()));
        }
    }

    private static Map<String, ConfigDef.ConfigKey> known() {
        Map<String, ConfigDef.ConfigKey> keys = new TreeMap<>();
        for (ConfigDef def : List.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef())) {
            def.configKeys().forEach(keys::putIfAbsent);
        }
        return Collections.unmodifiableMap(keys);
    }

    private static String suggestion(String key) {
        String best = CommandLine.closest(key, KNOWN.keySet());
        return best != null ? ": did you mean '" + best + "'?" : "";
    }

    private static Map<String, String> load(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the Kafka client properties file '" + file
                    + "' (kafka.properties-file): " + e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> map.put(k.trim(), props.getProperty(k).trim()));
        return map;
    }

    private static Map<String, String> reserved() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("bootstrap.servers", "use kafka.bootstrap-servers");
        map.put("group.id", "use kafka.group-id-prefix (the job name is appended)");
        map.put("transactional.id", "use kafka.transactional-id-prefix (the job and output are appended)");
        map.put("transaction.timeout.ms", "use kafka.transaction-timeout");
        for (String key : new String[] {"isolation.level", "enable.idempotence", "enable.auto.commit"}) {
            map.put(key, "exactly-once output depends on it");
        }
        for (String key : new String[] {"key.serializer", "value.serializer", "key.deserializer", "value.deserializer"}) {
            map.put(key, "records are read and written as bytes");
        }
        return Collections.unmodifiableMap(map);
    }
}
