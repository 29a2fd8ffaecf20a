package io.shopstream.sessions;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Session;
import io.shopstream.common.time.PlainWatermarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's semantics as a plain single-threaded program: the oracle of the randomized tests and
 * the baseline of the benchmarks. Feed it events and watermarks in order ({@link #onEvent},
 * {@link #onWatermark}), or whole partitions with the job's watermark rule ({@link #run}).
 *
 * <p>Rules: per customer, an event within the gap (inclusive) of an open session joins it, and
 * may join two sessions into one; otherwise it opens a session. A session closes (is emitted and
 * forgotten) when the watermark reaches its last event time + gap. An event is too late when the
 * watermark has reached its time + gap.
 */
public final class PlainSessions implements PlainWatermarks.Loop<EnrichedEvent> {

    /** What the job would write: the sessions and the late events. */
    public record Result(List<Session> sessions, List<EnrichedEvent> late) {}

    private final long gapMs;
    private final Map<String, List<OpenSession>> open = new TreeMap<>();
    private final List<Session> emitted = new ArrayList<>();
    private final List<EnrichedEvent> late = new ArrayList<>();
    private long watermark = Long.MIN_VALUE;

    public PlainSessions(Duration gap) {
        this.gapMs = gap.toMillis();
    }

    /** Runs the job's rules over partitions read round-robin, then the end of input. */
    public static Result run(JobConfig config, List<List<EnrichedEvent>> partitions, long nowMillis) {
        PlainSessions sessions = new PlainSessions(config.get(SessionsOptions.GAP));
        PlainWatermarks.replay(config, partitions, EnrichedEvent::ts, nowMillis, sessions);
        return sessions.result();
    }

    @Override
    public void onLate(EnrichedEvent event) {
        late.add(event);
    }

    @Override
    public void onEvent(EnrichedEvent event) {
        if (watermark >= event.ts() + gapMs) {
            late.add(event);
            return;
        }
        List<OpenSession> customer = open.computeIfAbsent(event.customerId(), c -> new ArrayList<>());
        OpenSession joined = OpenSession.of(event);
        for (Iterator<OpenSession> it = customer.iterator(); it.hasNext(); ) {
            OpenSession s = it.next();
            if (event.ts() >= s.start - gapMs && event.ts() <= s.end + gapMs) {
                joined.merge(s);
                it.remove();
            }
        }
        customer.add(joined);
    }

    @Override
    public void onWatermark(long newWatermark) {
        if (newWatermark <= watermark) {
            return;
        }
        watermark = newWatermark;
        for (Iterator<Map.Entry<String, List<OpenSession>>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, List<OpenSession>> customer = it.next();
            customer.getValue().sort((a, b) -> Long.compare(a.end, b.end));
            for (Iterator<OpenSession> s = customer.getValue().iterator(); s.hasNext(); ) {
                OpenSession session = s.next();
                if (session.end + gapMs <= watermark) {
                    emitted.add(session.toSession(customer.getKey()));
                    s.remove();
                }
            }
            if (customer.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    /** Sessions still open. */
    public int openSessions() {
        return open.values().stream().mapToInt(List::size).sum();
    }

    public Result result() {
        return new Result(List.copyOf(emitted), List.copyOf(late));
    }
}
