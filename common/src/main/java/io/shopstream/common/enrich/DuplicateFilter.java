package io.shopstream.common.enrich;

import io.shopstream.common.model.Event;
import io.shopstream.common.time.EventTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Recognises producer retries, per customer (the current key): an event whose {@code eventId}
 * was accepted before with a first {@code ts} such that {@code ts < firstTs + horizon} is a
 * duplicate. The remembered ids expire once the watermark passes {@code firstTs + horizon}: from
 * then on an event with that id and a ts within the out-of-orderness bound can no longer be one.
 *
 * <p>Every acceptance is also appended to the customer's list of acceptances, which is never read
 * on the way in: on RocksDB an append is a merge, one write without a read. The list is what the
 * expiry timers work through. A timer fires at the end of a bucket (1/8 of the horizon, 75 s of the
 * default 10 minutes); it forgets the ids whose latest acceptance has expired by then, writes back
 * the others and sets the timer of the earliest of them. An id is thus kept at most one bucket
 * longer than its horizon, and each one is rewritten about eight times; whether an event is a
 * duplicate is decided by the exact horizon. Before, an index of ids by expiry was read and
 * rewritten for every event (with RocksDB, de-duplication was about 60% of the enrich task's time:
 * see docs/benchmark/tuning.md).
 *
 * <p>An event from the future ({@link EventTime#isFromTheFuture}, judged by this operator's clock)
 * would pin its id until the watermark reached its far-off {@code ts}: its id is forgotten instead
 * once the horizon has passed in processing time, by a processing-time timer on the same buckets.
 * Such events are rare, so that path may cost more. Its acceptances are in the list too, marked,
 * so that an event-time timer never forgets an id whose latest acceptance was from the future.
 */
final class DuplicateFilter {

    static final MapStateDescriptor<String, Long> FIRST_SEEN =
            new MapStateDescriptor<>("first-ts-by-event-id", Types.STRING, Types.LONG);
    /** The acceptances of the ids in {@link #FIRST_SEEN}, in the order they were made (append-only between timers). */
    static final ListStateDescriptor<AcceptedId> ACCEPTED =
            new ListStateDescriptor<>("event-id-acceptances", TypeInformation.of(AcceptedId.class));
    /**
     * The ids of events from the future by the processing time they expire, each with the {@code ts}
     * it was accepted with: an id accepted again since keeps its new entry.
     */
    static final MapStateDescriptor<Long, Map<String, Long>> FUTURE_IDS_BY_EXPIRY =
            new MapStateDescriptor<>("future-event-ids-by-wall-clock-expiry", Types.LONG,
                    Types.MAP(Types.STRING, Types.LONG));

    /** Slots of the cache of set timers ({@link #timerKeys}): the busy customers are what it saves on. */
    private static final int TIMER_SLOTS = 4096;

    private final long horizonMs;
    /** The granularity of expiry times: ids expiring within one bucket share its timer. */
    private final long bucketMs;
    private final Duration maxFuture;
    private final MapState<String, Long> firstSeen;
    private final ListState<AcceptedId> accepted;
    private final MapState<Long, Map<String, Long>> futureIdsByExpiry;
    /**
     * The expiry timers this instance has set since it started, by customer, as a direct-mapped
     * cache ({@code timerKeys[i]} with {@code timerTimes[i]}): registering a timer that is already
     * set changes nothing, but on RocksDB still costs a write. Only skips; never checkpointed.
     */
    private final String[] timerKeys = new String[TIMER_SLOTS];
    private final long[] timerTimes = new long[TIMER_SLOTS];

    DuplicateFilter(RuntimeContext context, long horizonMs, long maxFutureMs) {
        this.horizonMs = horizonMs;
        this.bucketMs = Math.max(1, horizonMs / 8);
        this.maxFuture = Duration.ofMillis(maxFutureMs);
        this.firstSeen = context.getMapState(FIRST_SEEN);
        this.accepted = context.getListState(ACCEPTED);
        this.futureIdsByExpiry = context.getMapState(FUTURE_IDS_BY_EXPIRY);
    }

    /**
     * Whether {@code event} is the first with its id within the horizon. If so, it is remembered
     * and, unless this instance has set it already, an event-time timer set for the end of the
     * bucket its horizon ends in ({@link #forgetExpired}); for an event from the future, a
     * processing-time timer ({@link #forgetFromTheFuture}). {@code now} is the current processing time.
     */
    boolean accept(Event event, long now, TimerService timers) throws Exception {
        Long first = firstSeen.get(event.eventId());
        if (first != null && event.ts() < first + horizonMs) {
            return false;
        }
        firstSeen.put(event.eventId(), event.ts());
        boolean fromTheFuture = EventTime.isFromTheFuture(event.ts(), now, maxFuture);
        accepted.add(new AcceptedId(event.eventId(), event.ts(), fromTheFuture));
        if (fromTheFuture) {
            rememberFromTheFuture(event, bucketEnd(now + horizonMs), timers);
        } else {
            setExpiryTimer(event.customerId(), bucketEnd(event.ts() + horizonMs), timers);
        }
        return true;
    }

    /**
     * Sets the event-time timer at {@code time} for {@code customer} unless this instance set that
     * one already and it cannot have fired yet (the watermark is before it).
     */
    private void setExpiryTimer(String customer, long time, TimerService timers) {
        int slot = customer.hashCode() & (TIMER_SLOTS - 1);
        if (timerTimes[slot] == time && customer.equals(timerKeys[slot]) && time > timers.currentWatermark()) {
            return;
        }
        timers.registerEventTimeTimer(time);
        timerKeys[slot] = customer;
        timerTimes[slot] = time;
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

    /**
     * Forgets the current customer's ids whose latest acceptance's horizon ended by {@code timestamp},
     * the event-time timer that fired, keeps the others' latest acceptance, and sets the timer for the
     * earliest of those.
     */
    void forgetExpired(long timestamp, TimerService timers) throws Exception {
        // An id accepted again (ts at or past the old horizon) is in the list again, later: the last one counts.
        Map<String, AcceptedId> latest = new LinkedHashMap<>();
        for (AcceptedId a : accepted.get()) {
            latest.put(a.eventId(), a);
        }
        List<AcceptedId> kept = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        for (AcceptedId a : latest.values()) {
            if (a.fromTheFuture()) {
                continue; // forgotten by forgetFromTheFuture, in processing time
            }
            long expiry = a.ts() + horizonMs;
            if (expiry <= timestamp) {
                firstSeen.remove(a.eventId());
            } else {
                kept.add(a);
                earliest = Math.min(earliest, expiry);
            }
        }
        if (kept.isEmpty()) {
            accepted.clear();
        } else {
            accepted.update(kept);
            timers.registerEventTimeTimer(bucketEnd(earliest));
        }
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
        for (Map.Entry<String, Long> acceptance : expiring.entrySet()) {
            // Only the acceptance this timer was set for: the id may have been accepted again since.
            if (acceptance.getValue().equals(firstSeen.get(acceptance.getKey()))) {
                firstSeen.remove(acceptance.getKey());
            }
        }
        futureIdsByExpiry.remove(timestamp);
        // Their marks in the list go too: a customer with only such events has no event-time timer to drop them.
        List<AcceptedId> rest = new ArrayList<>();
        boolean dropped = false;
        for (AcceptedId a : accepted.get()) {
            if (a.fromTheFuture() && Long.valueOf(a.ts()).equals(expiring.get(a.eventId()))) {
                dropped = true;
            } else {
                rest.add(a);
            }
        }
        if (!dropped) {
            return;
        }
        if (rest.isEmpty()) {
            accepted.clear();
        } else {
            accepted.update(rest);
        }
    }
}
