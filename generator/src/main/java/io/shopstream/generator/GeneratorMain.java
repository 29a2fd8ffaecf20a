package io.shopstream.generator;

import io.shopstream.common.config.CommandLine;
import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.config.ShopOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.ConfigOption;

/**
 * Command line: generates shop data and writes it to Kafka.
 *
 * <pre>
 * GeneratorMain [--kafka.bootstrap-servers localhost:9092] [--topics.events shop.events] ...
 *               [--rate 200] [--events 10000] [--duration 30s] [--seed 42] ...
 * </pre>
 *
 * Prints progress every 2 s and the {@link GeneratorStats} at the end; Ctrl-C stops cleanly
 * (flush, then the summary).
 */
public final class GeneratorMain {

    static final String PROGRAM = "shopstream-generator";

    /** Every option: where to write, then what to generate. */
    static final List<ConfigOption<?>> OPTIONS = options();

    private GeneratorMain() {}

    /** The parsed command line: where to write, and what to generate. */
    record Options(String bootstrapServers, KafkaClientProperties client, ShopPublisher.Topics topics,
            GeneratorSettings settings) {}

    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(usage());
            return;
        }
        CommandLine.exitOnError(PROGRAM, () -> run(parse(args)));
    }

    private static void run(Options options) throws Exception {
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

    /** Reads the command line: Kafka settings (ShopOptions' keys) and generator settings. */
    static Options parse(String... args) {
        CommandLine.Parsed p = CommandLine.parse(OPTIONS, GeneratorOptions.OPEN_PREFIXES, args);
        KafkaClientProperties client =
                KafkaClientProperties.of(p.under(KafkaClientProperties.PREFIX), p.get(ShopOptions.KAFKA_PROPERTIES_FILE));
        ShopPublisher.Topics topics = new ShopPublisher.Topics(p.get(ShopOptions.TOPIC_PRODUCTS),
                p.get(ShopOptions.TOPIC_CUSTOMERS), p.get(ShopOptions.TOPIC_EVENTS), p.get(ShopOptions.TOPIC_PAYMENTS));
        return new Options(p.get(ShopOptions.BOOTSTRAP_SERVERS), client, topics, GeneratorSettings.of(p.config()));
    }

    static String usage() {
        return CommandLine.usage(PROGRAM + " [--key value]...", OPTIONS)
                + String.format("  --%-32s%n      %s%n", KafkaClientProperties.PREFIX + "<client key> VALUE",
                        "Any Kafka producer property (security.protocol, sasl.*, ssl.*).");
    }

    private static List<ConfigOption<?>> options() {
        List<ConfigOption<?>> all = new ArrayList<>(GeneratorOptions.KAFKA);
        all.addAll(GeneratorOptions.DATA);
        return List.copyOf(all);
    }
}
