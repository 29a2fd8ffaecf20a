package io.shopstream.embedded;

import io.shopstream.common.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the output topics with one read_committed consumer (no group) from the beginning:
 * counts the committed records per topic and keeps the newest few values of each for display.
 */
final class OutputWatcher implements AutoCloseable {

    private static final int SAMPLES = 3;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, AtomicLong> counts = new LinkedHashMap<>();
    private final Map<String, Deque<String>> samples = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    OutputWatcher(String bootstrapServers, List<String> topics) {
        Properties props = TopicReader.readCommittedProperties(bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "shopstream-embedded-watcher");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            counts.put(topic, new AtomicLong());
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::follow, "output-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    counts.get(r.topic()).incrementAndGet();
                    Deque<String> newest = samples.computeIfAbsent(r.topic(), t -> new ArrayDeque<>());
                    String value = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
                    synchronized (newest) {
                        newest.addLast(value);
                        if (newest.size() > SAMPLES) {
                            newest.removeFirst();
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Committed records read so far per topic, in the order the topics were given. */
    Map<String, Long> counts() {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((topic, n) -> out.put(topic, n.get()));
        return out;
    }

    long count(String topic) {
        AtomicLong n = counts.get(topic);
        return n == null ? 0 : n.get();
    }

    /** The newest values read from {@code topic}, oldest first. */
    List<String> newest(String topic) {
        Deque<String> newest = samples.get(topic);
        if (newest == null) {
            return List.of();
        }
        synchronized (newest) {
            return List.copyOf(newest);
        }
    }

    /** Reads on until the consumer has caught up with everything committed now (or a timeout). */
    void catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline && stable < 4) {
            long total = counts.values().stream().mapToLong(AtomicLong::get).sum();
            stable = total == last ? stable + 1 : 0;
            last = total;
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
