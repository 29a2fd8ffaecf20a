package io.shopstream.cluster;

import io.shopstream.common.Await;
import io.shopstream.common.config.JobConfig;
import io.shopstream.common.config.ShopOptions;
import io.shopstream.common.kafka.TopicReader;
import io.shopstream.generator.GeneratedRecord;
import io.shopstream.generator.Stream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Feeds generated records into the suite's input topics (the topics {@code config} names): the
 * reference data first, read by enrich before any event, then the rest at a fixed rate, counting
 * what was sent so that a TaskManager can be killed at a chosen point of the feed.
 */
public final class InputFeed implements Runnable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final JobConfig config;
    private final List<GeneratedRecord> records;
    private final double rate;
    private final IntConsumer beforeSend;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    /**
     * {@code rate} records per second ({@code Double.POSITIVE_INFINITY}: as fast as the producer
     * takes them); {@code beforeSend} is told the index of each record just before it is sent.
     */
    public InputFeed(KafkaProducer<byte[], byte[]> producer, JobConfig config, List<GeneratedRecord> records, double rate,
            IntConsumer beforeSend) {
        this.producer = producer;
        this.config = config;
        this.records = records;
        this.rate = rate;
        this.beforeSend = beforeSend;
    }

    /** Products and customers: the reference data enrich joins the events with. */
    public static boolean isReference(GeneratedRecord r) {
        return r.stream() == Stream.PRODUCTS || r.stream() == Stream.CUSTOMERS;
    }

    /**
     * Sends the reference records and waits until enrich's consumer group has read them all: the
     * contract's exactness holds for reference data loaded before the events.
     */
    public static void loadReference(KafkaProducer<byte[], byte[]> producer, JobConfig config,
            List<GeneratedRecord> reference, Duration timeout) throws InterruptedException {
        for (GeneratedRecord r : reference) {
            producer.send(new ProducerRecord<>(config.get(r.stream().topicOption()), r.key(), r.value()));
        }
        producer.flush();
        String servers = config.get(ShopOptions.BOOTSTRAP_SERVERS);
        String group = config.get(ShopOptions.GROUP_ID_PREFIX) + "-enrich";
        Await.until(() -> TopicReader.lag(servers, group, config.get(ShopOptions.TOPIC_PRODUCTS))
                        + TopicReader.lag(servers, group, config.get(ShopOptions.TOPIC_CUSTOMERS)) == 0, timeout, "enrich to load the reference data");
    }

    /** Starts feeding on a daemon thread of that name. */
    public Thread start(String threadName) {
        Thread feeder = new Thread(this, threadName);
        feeder.setDaemon(true);
        feeder.start();
        return feeder;
    }

    /** Sends every record at the rate, then flushes; stops at the first failed send. */
    @Override
    public void run() {
        long start = System.nanoTime();
        for (int i = 0; i < records.size() && failure.get() == null; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            // Sleeping below ~2 ms is not precise; a few records in a burst are.
            if (wait > 2_000_000) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            GeneratedRecord r = records.get(i);
            beforeSend.accept(i);
            try {
                producer.send(new ProducerRecord<>(config.get(r.stream().topicOption()), r.key(), r.value()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
            sent.incrementAndGet();
        }
        producer.flush();
    }

    /** How many records were handed to the producer so far. */
    public int sent() {
        return sent.get();
    }

    public int size() {
        return records.size();
    }

    /** Fails if a send failed. */
    public void requireNoFailure() {
        if (failure.get() != null) {
            throw new IllegalStateException("Sending records failed", failure.get());
        }
    }
}
