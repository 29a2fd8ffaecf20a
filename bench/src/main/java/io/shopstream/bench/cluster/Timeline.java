package io.shopstream.bench.cluster;

import io.shopstream.common.json.Json;
import io.shopstream.common.kafka.TopicReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * When each fed event was sent and when its enriched record first became visible to a
 * read_committed reader, keyed by eventId. The feeder and the reader run on their own threads;
 * the figures are computed once both have stopped.
 */
final class Timeline {

    private static final long NONE = Long.MIN_VALUE;

    private final Map<String, Integer> indexById;
    private final AtomicLongArray sentAt;
    private final AtomicLongArray visibleAt;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger visible = new AtomicInteger();
    private final AtomicLong outputRecords = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    /** Largest latency among records seen since the last progress line, in ms; -1 if none was seen. */
    private final AtomicLong recentMaxLatencyMs = new AtomicLong(-1);

    /** {@code eventIds} in feed order; each must be unique, so that one event has one output record. */
    Timeline(List<String> eventIds) {
        indexById = new HashMap<>(eventIds.size() * 2);
        for (int i = 0; i < eventIds.size(); i++) {
            if (indexById.putIfAbsent(eventIds.get(i), i) != null) {
                throw new IllegalArgumentException("eventId " + eventIds.get(i) + " occurs twice in the feed");
            }
        }
        sentAt = new AtomicLongArray(eventIds.size());
        visibleAt = new AtomicLongArray(eventIds.size());
        for (int i = 0; i < eventIds.size(); i++) {
            sentAt.set(i, NONE);
            visibleAt.set(i, NONE);
        }
    }

    int size() {
        return sentAt.length();
    }

    /** Called by the feeder just before it hands event {@code index} to the producer. */
    void sending(int index) {
        sentAt.set(index, System.nanoTime());
        sent.incrementAndGet();
    }

    int sent() {
        return sent.get();
    }

    /** Distinct fed events seen in the output so far. */
    int visible() {
        return visible.get();
    }

    long outputRecords() {
        return outputRecords.get();
    }

    long takeRecentMaxLatencyMs() {
        return recentMaxLatencyMs.getAndSet(-1);
    }

    /**
     * Reads {@code topic} read_committed from its beginning until {@code stop} is set, stamping
     * each record with the wall time its poll returned. Counts {@code positioned} down once every
     * partition's start offset is fixed, so that nothing sent afterwards can be missed.
     */
    void watch(String bootstrapServers, String topic, CountDownLatch positioned, AtomicBoolean stop) {
        Properties p = TopicReader.readCommittedProperties(bootstrapServers);
        // The broker answers an empty fetch after this long: it bounds how late a commit is noticed.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (!stop.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    seen(eventId(r.value()), now);
                }
            }
        }
    }

    private void seen(String eventId, long now) {
        outputRecords.incrementAndGet();
        Integer i = eventId == null ? null : indexById.get(eventId);
        if (i == null) {
            unknown.incrementAndGet();
        } else if (visibleAt.compareAndSet(i, NONE, now)) {
            visible.incrementAndGet();
            long latencyMs = (now - sentAt.get(i)) / 1_000_000;
            recentMaxLatencyMs.accumulateAndGet(latencyMs, Math::max);
        } else {
            repeated.incrementAndGet();
        }
    }

    private static String eventId(byte[] value) {
        try {
            var id = Json.MAPPER.readTree(value).path("eventId");
            return id.isTextual() ? id.asText() : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    // ------------------------------------------------------------------ figures

    /** Latency and throughput of a set of output records. */
    record Window(int records, double throughputPerSecond, double p50Ms, double p99Ms, double maxMs) {}

    /** The first send, in the time base of {@link System#nanoTime()}. */
    long firstSent() {
        return earliest(sentAt);
    }

    /** The first record visible, in the time base of {@link System#nanoTime()}. */
    long firstVisible() {
        return earliest(visibleAt);
    }

    private long earliest(AtomicLongArray moments) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < size(); i++) {
            if (moments.get(i) != NONE) {
                first = Math.min(first, moments.get(i));
            }
        }
        return first;
    }

    /**
     * Records that became visible before {@code until} (all of them for {@code Long.MAX_VALUE}):
     * throughput is their count over the time from the first send to the last of them visible.
     */
    Window window(long until) {
        return window(Long.MIN_VALUE, until);
    }

    /**
     * Records sent from {@code sentFrom} on that became visible before {@code until}: throughput is
     * their count over the time from the first of them sent to the last of them visible.
     */
    Window window(long sentFrom, long until) {
        List<Long> latencies = new ArrayList<>();
        long lastVisible = NONE;
        long firstSent = Long.MAX_VALUE;
        for (int i = 0; i < size(); i++) {
            long v = visibleAt.get(i);
            if (v != NONE && v < until && sentAt.get(i) >= sentFrom) {
                firstSent = Math.min(firstSent, sentAt.get(i));
                latencies.add(v - sentAt.get(i));
                lastVisible = Math.max(lastVisible, v);
            }
        }
        if (latencies.isEmpty()) {
            return new Window(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double seconds = (lastVisible - firstSent) / 1e9;
        return new Window(sorted.length, sorted.length / seconds, percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    /**
     * Records per second over the second half of the output: from the moment half of the records
     * were visible to the last one visible. A catch-up's start includes the job's first checkpoint
     * and fresh TaskManager JVMs compiling the job's code (the JIT compiler took as much CPU as the
     * enrich task in the first seconds); its second half is what the warm cluster sustains.
     */
    double secondHalfPerSecond() {
        long[] visible = new long[size()];
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (visibleAt.get(i) != NONE) {
                visible[n++] = visibleAt.get(i);
            }
        }
        Arrays.sort(visible, 0, n);
        if (n < 2 || visible[n - 1] == visible[n / 2]) {
            return Double.NaN;
        }
        return (n - 1 - n / 2) / ((visible[n - 1] - visible[n / 2]) / 1e9);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    /** Events sent before {@code moment}. */
    int sentBefore(long moment) {
        int n = 0;
        for (int i = 0; i < size(); i++) {
            if (sentAt.get(i) != NONE && sentAt.get(i) < moment) {
                n++;
            }
        }
        return n;
    }

    /**
     * When the last event sent before {@code moment} became visible; {@code Long.MIN_VALUE} if one
     * of them never did.
     */
    long allVisibleOfSentBefore(long moment) {
        long last = NONE;
        for (int i = 0; i < size(); i++) {
            if (sentAt.get(i) != NONE && sentAt.get(i) < moment) {
                if (visibleAt.get(i) == NONE) {
                    return NONE;
                }
                last = Math.max(last, visibleAt.get(i));
            }
        }
        return last;
    }

    /**
     * The moment after {@code from} from which on every newly visible record has a latency below
     * {@code thresholdMs}: when the last record at or above it became visible, or {@code from} if
     * none did.
     */
    long latencyBelowFrom(long from, double thresholdMs) {
        long moment = from;
        for (int i = 0; i < size(); i++) {
            long v = visibleAt.get(i);
            if (v != NONE && v >= from && (v - sentAt.get(i)) / 1e6 >= thresholdMs) {
                moment = Math.max(moment, v);
            }
        }
        return moment;
    }

    /** Per second since the first send: events sent, records visible, and their max and median latency (s). */
    record PerSecond(double[] second, double[] sent, double[] visible, double[] maxLatencyS, double[] medianLatencyS) {}

    PerSecond perSecond() {
        long first = firstSent();
        long last = first;
        for (int i = 0; i < size(); i++) {
            last = Math.max(last, Math.max(sentAt.get(i), visibleAt.get(i)));
        }
        int buckets = (int) ((last - first) / 1_000_000_000L) + 1;
        double[] second = new double[buckets];
        double[] sentPerS = new double[buckets];
        double[] visiblePerS = new double[buckets];
        List<List<Long>> latencies = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            second[b] = b;
            latencies.add(new ArrayList<>());
        }
        for (int i = 0; i < size(); i++) {
            if (sentAt.get(i) != NONE) {
                sentPerS[(int) ((sentAt.get(i) - first) / 1_000_000_000L)]++;
            }
            if (visibleAt.get(i) != NONE) {
                int b = (int) ((visibleAt.get(i) - first) / 1_000_000_000L);
                visiblePerS[b]++;
                latencies.get(b).add(visibleAt.get(i) - sentAt.get(i));
            }
        }
        double[] max = new double[buckets];
        double[] median = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            long[] sorted = latencies.get(b).stream().mapToLong(Long::longValue).sorted().toArray();
            // No record visible in a second: no latency point (NaN leaves a gap in the chart).
            max[b] = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e9;
            median[b] = sorted.length == 0 ? Double.NaN : percentile(sorted, 0.5) / 1e9;
        }
        return new PerSecond(second, sentPerS, visiblePerS, max, median);
    }

    long repeated() {
        return repeated.get();
    }

    long unknown() {
        return unknown.get();
    }

    int neverVisible() {
        return size() - visible.get();
    }
}
