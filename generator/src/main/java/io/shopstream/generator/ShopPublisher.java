package io.shopstream.generator;

import io.shopstream.common.config.KafkaClientProperties;
import io.shopstream.common.kafka.ProducerSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends a {@link ShopGenerator}'s records to Kafka with an idempotent producer (acks=all),
 * paced to {@code rate} event records per second (reference data and payments are not paced),
 * until the generator ends, {@code duration} has passed or {@link #stop()} is called.
 */
public final class ShopPublisher implements Runnable {

    /** The input topics to write to. */
    public record Topics(String products, String customers, String events, String payments) {

        public static Topics defaults() {
            return new Topics("shop.products", "shop.customers", "shop.events", "shop.payments");
        }

        String of(Stream stream) {
            return switch (stream) {
                case PRODUCTS -> products;
                case CUSTOMERS -> customers;
                case EVENTS -> events;
                case PAYMENTS -> payments;
            };
        }
    }

    /** A snapshot for progress reports; the rate counts from the first event sent. */
    public record Progress(long records, long events, double eventsPerSecond, Duration elapsed) {}

    private final ShopGenerator generator;
    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final AtomicReference<Exception> sendError = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile boolean done;
    private volatile long sent;
    private volatile long startNanos;
    private volatile long firstEventNanos;

    public ShopPublisher(ShopGenerator generator, Producer<byte[], byte[]> producer, Topics topics) {
        this.generator = generator;
        this.producer = producer;
        this.topics = topics;
    }

    /** A publisher with its own idempotent producer for a PLAINTEXT broker such as the suite's own. */
    public static ShopPublisher create(GeneratorSettings settings, String bootstrapServers, Topics topics) {
        return create(settings, KafkaClientProperties.none(), bootstrapServers, topics);
    }

    /** A publisher with its own idempotent producer, with the user's Kafka client properties (security). */
    public static ShopPublisher create(GeneratorSettings settings, KafkaClientProperties client, String bootstrapServers,
            Topics topics) {
        return new ShopPublisher(new ShopGenerator(settings), new KafkaProducer<>(
                ProducerSettings.idempotent(client.withBootstrapServers(bootstrapServers), "shopstream-generator")), topics);
    }

    public GeneratorStats stats() {
        return generator.stats();
    }

    /** Asks the run to end after the current record; it then flushes and returns. */
    public void stop() {
        stopRequested = true;
    }

    public boolean isDone() {
        return done;
    }

    public Progress progress() {
        long start = startNanos;
        Duration elapsed = start == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - start);
        long events = generator.stats().records(Stream.EVENTS);
        long first = firstEventNanos;
        double seconds = first == 0 ? 0 : (System.nanoTime() - first) / 1e9;
        return new Progress(sent, events, seconds < 0.1 ? 0 : events / seconds, elapsed);
    }

    /** Runs to the end; a failed send is rethrown (after flushing). */
    @Override
    public void run() {
        GeneratorSettings s = generator.settings();
        startNanos = System.nanoTime();
        long deadline = s.duration() == null ? Long.MAX_VALUE : startNanos + s.duration().toNanos();
        double nanosPerEvent = s.rate() > 0 ? 1e9 / s.rate() : 0;
        long eventStart = -1;
        long eventsSent = 0;
        try {
            while (!stopRequested && sendError.get() == null && generator.hasNext()) {
                if (System.nanoTime() >= deadline) {
                    break;
                }
                GeneratedRecord r = generator.next();
                if (r.stream() == Stream.EVENTS && nanosPerEvent > 0) {
                    if (eventStart < 0) {
                        eventStart = System.nanoTime();
                    }
                    // Smooth pacing: event record n is due at start + n / rate.
                    long due = eventStart + (long) (eventsSent * nanosPerEvent);
                    if (System.nanoTime() - due > TimeUnit.SECONDS.toNanos(1)) {
                        // More than a second behind (a stalled broker): resume the rate, no burst.
                        eventStart = System.nanoTime() - (long) (eventsSent * nanosPerEvent);
                        due = System.nanoTime();
                    }
                    long wait;
                    while (!stopRequested && (wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
                    }
                    // Stopped while waiting: still send this record, so the stats match what was sent.
                }
                if (r.stream() == Stream.EVENTS) {
                    if (eventsSent++ == 0) {
                        firstEventNanos = System.nanoTime();
                    }
                }
                producer.send(new ProducerRecord<>(topics.of(r.stream()), r.key(), r.value()), (metadata, e) -> {
                    if (e != null) {
                        sendError.compareAndSet(null, e);
                    }
                });
                sent++;
            }
        } finally {
            producer.flush();
            done = true;
        }
        Exception e = sendError.get();
        if (e != null) {
            throw new IllegalStateException("Sending to Kafka failed: " + e.getMessage(), e);
        }
    }

    /** Closes the producer (flushing what is pending). */
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    public static String format(Progress p) {
        return String.format(Locale.ROOT, "%6.1fs  %,d records sent, %,d events (%,.0f events/s)",
                p.elapsed().toMillis() / 1000.0, p.records(), p.events(), p.eventsPerSecond());
    }

    static void forEachProgress(ShopPublisher publisher, Duration every, Consumer<Progress> report) {
        while (!publisher.isDone()) {
            LockSupport.parkNanos(every.toNanos());
            if (!publisher.isDone()) {
                report.accept(publisher.progress());
            }
        }
    }
}
