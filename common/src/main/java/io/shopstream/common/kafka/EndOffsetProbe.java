package io.shopstream.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers, on a thread of its own, whether a partition holds anything to read from a given
 * offset: it reads from there with a consumer of its own (read_committed, never committing) and
 * compares the position it reaches with the partition's end offset (for read_committed, the last
 * stable offset). Reading, not just comparing offsets, matters: after an exactly-once producer the
 * last offsets of a partition are transaction markers, which hold no record.
 *
 * <p>It also ticks: {@code onTick} runs every {@code tick}, so that its owner can look at its
 * partitions' clocks without a timer of its own.
 */
final class EndOffsetProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EndOffsetProbe.class);

    enum Verdict {
        /** A record is there to read. */
        HAS_DATA,
        /** The position reached the end offset: nothing to read. */
        AT_END,
        /** Not known this time (the broker did not answer in time); ask again. */
        UNKNOWN
    }

    /** From which offset to look: a real offset, or a {@link KafkaPartitionSplit} marker; {@code id} tells answers apart. */
    record Request(String splitId, long id, TopicPartition partition, long from) {}

    /** The answer to a {@link Request}; {@code end} is the end offset seen (for {@code AT_END}). */
    record Answer(String splitId, long id, Verdict verdict, long end) {}

    private static final Duration POLL = Duration.ofMillis(300);

    private final Properties properties;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private Thread thread;

    EndOffsetProbe(Properties consumerProperties) {
        this.properties = new Properties();
        properties.putAll(consumerProperties);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    }

    /** Starts the thread; {@code onChange} runs on it after every tick and every batch of answers. */
    void start(String name, Duration tick, Runnable onChange) {
        running = true;
        thread = new Thread(() -> run(tick, onChange), name);
        thread.setDaemon(true);
        thread.start();
    }

    void ask(Request request) {
        requests.add(request);
    }

    /** The next answer, or null. */
    Answer nextAnswer() {
        return answers.poll();
    }

    private void run(Duration tick, Runnable onChange) {
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            while (running) {
                Request first = requests.poll(tick.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<Request> batch = new ArrayList<>(List.of(first));
                    requests.drainTo(batch);
                    if (consumer == null) {
                        consumer = new KafkaConsumer<>(properties);
                    }
                    answers.addAll(probe(consumer, batch));
                }
                onChange.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                LOG.warn("End-offset probe stopped; partitions that wait for it keep holding the watermark", e);
            }
        } finally {
            if (consumer != null) {
                // Closed without the interrupt that stopped the probe: Kafka's consumer logs an ERROR
                // ("Failed to close fetcher") when interrupted while closing, on every cancelled task.
                boolean interrupted = Thread.interrupted();
                try {
                    consumer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.debug("Closing the end-offset probe's consumer", e);
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    private List<Answer> probe(KafkaConsumer<byte[], byte[]> consumer, List<Request> batch) {
        Map<TopicPartition, Request> byPartition = new HashMap<>();
        for (Request r : batch) {
            byPartition.put(r.partition(), r); // the newest request for a partition wins
        }
        List<Answer> result = new ArrayList<>();
        try {
            consumer.assign(byPartition.keySet());
            Map<TopicPartition, Long> ends = consumer.endOffsets(byPartition.keySet(), Duration.ofSeconds(5));
            for (Request r : byPartition.values()) {
                seek(consumer, r);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            for (Request r : byPartition.values()) {
                TopicPartition tp = r.partition();
                if (!records.records(tp).isEmpty()) {
                    result.add(new Answer(r.splitId(), r.id(), Verdict.HAS_DATA, -1));
                } else if (consumer.position(tp, Duration.ofSeconds(5)) >= ends.get(tp)) {
                    result.add(new Answer(r.splitId(), r.id(), Verdict.AT_END, ends.get(tp)));
                } else {
                    result.add(new Answer(r.splitId(), r.id(), Verdict.UNKNOWN, -1));
                }
            }
        } catch (RuntimeException e) {
            if (!running) {
                throw e;
            }
            LOG.info("End-offset probe of {} failed, will ask again: {}", byPartition.keySet(), e.toString());
            for (Request r : byPartition.values()) {
                result.add(new Answer(r.splitId(), r.id(), Verdict.UNKNOWN, -1));
            }
        } finally {
            consumer.assign(new HashSet<>());
        }
        return result;
    }

    private static void seek(KafkaConsumer<byte[], byte[]> consumer, Request r) {
        TopicPartition tp = r.partition();
        long from = r.from();
        if (from == KafkaPartitionSplit.COMMITTED_OFFSET) {
            OffsetAndMetadata committed = consumer.committed(java.util.Set.of(tp), Duration.ofSeconds(5)).get(tp);
            if (committed != null) {
                consumer.seek(tp, committed.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        } else if (from == KafkaPartitionSplit.EARLIEST_OFFSET) {
            consumer.seekToBeginning(List.of(tp));
        } else if (from < 0) {
            consumer.seekToEnd(List.of(tp));
        } else {
            consumer.seek(tp, from);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
