package io.shopstream.common.enrich;

import io.shopstream.common.model.Event;
import io.shopstream.common.time.EventTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Recognises producer retries, per customer (the current key): an event whose {@code eventId}
 * was accepted before with a first {@code ts} such that {@code ts < firstTs + horizon} is a
 * duplicate. The remembered ids expire once the watermark passes {@code firstTs + horizon}: from
 * then on an event with that id and a ts within the out-of-orderness bound can no longer be one.
 *
 * <p>The ids are also indexed by the time they expire, so a timer touches only the ids it
 * expires: scanning the customer's whole table on every timer made a busy customer cost
 * quadratic time. That time is rounded up to a multiple of {@link #bucketMs} (1/60 of the horizon,
 * 10 s of the default 10 minutes), so one timer serves all of a customer's ids that expire within
 * it: with RocksDB, registering a timer per event was the filter's largest cost (a write to the
 * timer column family and its in-memory cache each time). An id is kept at most one bucket longer;
 * whether an event is a duplicate is decided by the exact horizon as before.
 *
 * <p>An event from the future ({@link EventTime#isFromTheFuture}, judged by this operator's clock)
 * would pin its id until the watermark reached its far-off {@code ts}: its id is forgotten instead
 * once the horizon has passed in processing time, by a processing-time timer on the same buckets.
 * Such events are rare, so that path may cost more; the common path reads and writes what it did.
 */
final class DuplicateFilter {

    static final MapStateDescriptor<String, Long> FIRST_SEEN =
            new MapStateDescriptor<>("first-ts-by-event-id", Types.STRING, Types.LONG);
    /** The ids accepted with {@code ts + horizon} = the key: the ones its timer may forget. */
    static final MapStateDescriptor<Long, List<String>> IDS_BY_EXPIRY =
            new MapStateDescriptor<>("event-ids-by-expiry", Types.LONG, Types.LIST(Types.STRING));
    /**
     * The ids of events from the future by the processing time they expire, each with the {@code ts}
     * it was accepted with: an id accepted again since keeps its new entry.
     */
    static final MapStateDescriptor<Long, Map<String, Long>> FUTURE_IDS_BY_EXPIRY =
            new MapStateDescriptor<>("future-event-ids-by-wall-clock-expiry", Types.LONG,
                    Types.MAP(Types.STRING, Types.LONG));

    private final long horizonMs;
    /** The granularity of expiry times: ids expiring within one bucket share its timer. */
    private final long bucketMs;
    private final Duration maxFuture;
    private final MapState<String, Long> firstSeen;
    private final MapState<Long, List<String>> idsByExpiry;
    private final MapState<Long, Map<String, Long>> futureIdsByExpiry;

    DuplicateFilter(RuntimeContext context, long horizonMs, long maxFutureMs) {
        this.horizonMs = horizonMs;
        this.bucketMs = Math.max(1, horizonMs / 60);
        this.maxFuture = Duration.ofMillis(maxFutureMs);
        this.firstSeen = context.getMapState(FIRST_SEEN);
        this.idsByExpiry = context.getMapState(IDS_BY_EXPIRY);
        this.futureIdsByExpiry = context.getMapState(FUTURE_IDS_BY_EXPIRY);
    }

    /**
     * Whether {@code event} is the first with its id within the horizon. If so, it is remembered
     * and, unless its expiry bucket has one already, an event-time timer set for when it may be
     * forgotten ({@link #forgetExpired}); for an event from the future, a processing-time timer
     * ({@link #forgetFromTheFuture}). {@code now} is the current processing time.
     */
    boolean accept(Event event, long now, TimerService timers) throws Exception {
        Long first = firstSeen.get(event.eventId());
        if (first != null && event.ts() < first + horizonMs) {
            return false;
        }
        firstSeen.put(event.eventId(), event.ts());
        if (EventTime.isFromTheFuture(event.ts(), now, maxFuture)) {
            rememberFromTheFuture(event, bucketEnd(now + horizonMs), timers);
            return true;
        }
        long expiry = bucketEnd(event.ts() + horizonMs);
        List<String> expiring = idsByExpiry.get(expiry);
        if (expiring == null) {
            expiring = new ArrayList<>(1);
            timers.registerEventTimeTimer(expiry);
        }
        expiring.add(event.eventId());
        idsByExpiry.put(expiry, expiring);
        return true;
    }

    private void rememberFromTheFuture(Event event, long expiry, TimerService timers) throws Exception {
        Map<String, Long> expiring = futureIdsByExpiry.get(expiry);
        if (expiring == null) {
            expiring = new HashMap<>();
            timers.registerProcessingTimeTimer(expiry);
        }
        expiring.put(event.eventId(), event.ts());
        futureIdsByExpiry.put(expiry, expiring);
    }

    /** The end of the bucket {@code time} falls in: the first multiple of {@link #bucketMs} at or after it. */
    private long bucketEnd(long time) {
        return Math.floorDiv(time, bucketMs) * bucketMs + (Math.floorMod(time, bucketMs) == 0 ? 0 : bucketMs);
    }

    /** Forgets the ids whose horizon ends in the bucket ending at {@code timestamp}, the event-time timer that fired. */
    void forgetExpired(long timestamp) throws Exception {
        List<String> expiring = idsByExpiry.get(timestamp);
        if (expiring == null) {
            return;
        }
        for (String id : expiring) {
            // The id may have been accepted again since (ts at or past the old horizon): keep that.
            Long first = firstSeen.get(id);
            if (first != null && first + horizonMs <= timestamp) {
                firstSeen.remove(id);
            }
        }
        // No isEmpty() check afterwards: the heap backend drops a key's map with its last entry,
        // and on RocksDB isEmpty() seeks past every deleted entry.
        idsByExpiry.remove(timestamp);
    }

    /**
     * Forgets the ids of events from the future whose horizon, in processing time, ends in the bucket
     * ending at {@code timestamp}, the processing-time timer that fired. The enricher's other
     * processing-time timers (held events' deadlines) fire here too: only a bucket end can be one of
     * these, so theirs cost no state read.
     */
    void forgetFromTheFuture(long timestamp) throws Exception {
        if (Math.floorMod(timestamp, bucketMs) != 0) {
            return;
        }
        Map<String, Long> expiring = futureIdsByExpiry.get(timestamp);
        if (expiring == null) {
            return;
        }
        for (Map.Entry<String, Long> accepted : expiring.entrySet()) {
            // Only the acceptance this timer was set for: the id may have been accepted again since.
            if (accepted.getValue().equals(firstSeen.get(accepted.getKey()))) {
                firstSeen.remove(accepted.getKey());
            }
        }
        futureIdsByExpiry.remove(timestamp);
    }
}
