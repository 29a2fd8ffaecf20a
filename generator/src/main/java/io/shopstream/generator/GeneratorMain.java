package io.shopstream.generator;

import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.config.ShopOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Command line: generates shop data and writes it to Kafka.
 *
 * <pre>
 * GeneratorMain [--bootstrap-servers localhost:9092] [--topics.events shop.events] ...
 *               [--rate 200] [--events 10000] [--duration 30s] [--seed 42] ...
 * </pre>
 *
 * Prints progress every 2 s and the {@link GeneratorStats} at the end; Ctrl-C stops cleanly
 * (flush, then the summary).
 */
public final class GeneratorMain {

    private GeneratorMain() {}

    /** The parsed command line: where to write, and what to generate. */
    record Options(String bootstrapServers, KafkaClientProperties client, ShopPublisher.Topics topics,
            GeneratorSettings settings) {}

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(usage());
                return;
            }
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("shopstream generator: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("ShopStream generator: " + options.settings().describe());
        System.out.println("Writing to " + options.bootstrapServers() + " " + options.topics()
                + (options.client().isEmpty() ? "" : " with Kafka client properties " + options.client()));

        ShopPublisher publisher = ShopPublisher.create(options.settings(), options.client(), options.bootstrapServers(),
                options.topics());
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            publisher.stop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "generator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Thread progress = new Thread(
                () -> ShopPublisher.forEachProgress(publisher, Duration.ofSeconds(2),
                        p -> System.out.println(ShopPublisher.format(p))),
                "generator-progress");
        progress.setDaemon(true);
        progress.start();
        try {
            publisher.run();
        } finally {
            publisher.close();
            System.out.println(ShopPublisher.format(publisher.progress()));
            System.out.println(publisher.stats());
            finished.countDown();
        }
    }

    /** Splits the arguments into Kafka settings (ShopOptions' keys) and generator settings. */
    static Options parse(String... args) {
        String bootstrap = ShopOptions.BOOTSTRAP_SERVERS.defaultValue();
        String products = ShopOptions.TOPIC_PRODUCTS.defaultValue();
        String customers = ShopOptions.TOPIC_CUSTOMERS.defaultValue();
        String events = ShopOptions.TOPIC_EVENTS.defaultValue();
        String payments = ShopOptions.TOPIC_PAYMENTS.defaultValue();
        Map<String, String> clientOptions = new LinkedHashMap<>();
        String clientFile = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String key = arg.startsWith("--") ? arg.substring(2) : arg;
            String value = null;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            boolean ours = key.equals("bootstrap-servers") || key.equals(ShopOptions.BOOTSTRAP_SERVERS.key())
                    || key.startsWith("topics.") || KafkaClientProperties.clientKeyOf(key) != null
                    || key.equals(ShopOptions.KAFKA_PROPERTIES_FILE.key());
            if (!ours) {
                rest.add(arg);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value after '" + arg + "'");
                }
                value = args[++i];
            }
            if (KafkaClientProperties.clientKeyOf(key) != null) {
                clientOptions.put(KafkaClientProperties.clientKeyOf(key), value);
            } else if (key.equals(ShopOptions.KAFKA_PROPERTIES_FILE.key())) {
                clientFile = value;
            } else if (key.equals(ShopOptions.TOPIC_PRODUCTS.key())) {
                products = value;
            } else if (key.equals(ShopOptions.TOPIC_CUSTOMERS.key())) {
                customers = value;
            } else if (key.equals(ShopOptions.TOPIC_EVENTS.key())) {
                events = value;
            } else if (key.equals(ShopOptions.TOPIC_PAYMENTS.key())) {
                payments = value;
            } else if (key.startsWith("topics.")) {
                throw new IllegalArgumentException("Unknown option '" + key + "': the generator writes only "
                        + ShopOptions.TOPIC_PRODUCTS.key() + ", " + ShopOptions.TOPIC_CUSTOMERS.key() + ", "
                        + ShopOptions.TOPIC_EVENTS.key() + " and " + ShopOptions.TOPIC_PAYMENTS.key());
            } else {
                bootstrap = value;
            }
        }
        return new Options(bootstrap, KafkaClientProperties.of(clientOptions, clientFile), new ShopPublisher.Topics(products, customers, events, payments),
                GeneratorSettings.fromArgs(rest.toArray(String[]::new)));
    }

    static String usage() {
        GeneratorSettings d = GeneratorSettings.defaults();
        StringBuilder sb = new StringBuilder("Usage: shopstream-generator [--key value]...\n\n");
        sb.append("  --bootstrap-servers HOST:PORT   default ").append(ShopOptions.BOOTSTRAP_SERVERS.defaultValue())
                .append('\n');
        sb.append("  --kafka.properties.<client key> VALUE   any Kafka producer property (security.protocol, sasl.*, ssl.*)\n");
        sb.append("  --kafka.properties-file FILE   Kafka client properties in Kafka's format\n");
        sb.append("  --topics.products|customers|events|payments TOPIC   defaults shop.products, shop.customers,"
                + " shop.events, shop.payments\n\nGenerator options (defaults):\n");
        String text = d.toString();
        text = text.substring(text.indexOf('[') + 1, text.length() - 1);
        for (String part : text.split(", ")) {
            sb.append("  --").append(part.replace("=", " ")).append('\n');
        }
        sb.append("\nevents 0 = unlimited, rate 0 = as fast as possible, duration like 30s, 5m or PT30S;"
                + " startTs as epoch millis or ISO-8601.\n");
        return sb.toString();
    }
}
