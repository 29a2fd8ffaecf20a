package io.shopstream.sessions;

import io.shopstream.common.metrics.ShopMetrics;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One customer's sessions, in event time. An event joins every open session it lies within the
 * gap of (bridging them into one), or opens a new one. A session is emitted, and forgotten, when
 * the watermark reaches its last event time + gap: then no event that could extend it can still
 * arrive. An event is too late when the watermark has reached its own time + gap (a session of
 * just that event would already be over); it goes to {@link #TOO_LATE}. Emitted sessions are
 * never reopened: a later event that is not too late opens a session of its own.
 *
 * <p>State per customer: the open sessions' running totals (no events), and one event-time timer
 * per open session.
 */
public final class SessionTracker extends KeyedProcessFunction<String, EnrichedEvent, Session> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<EnrichedEvent> TOO_LATE =
            new OutputTag<>("too-late", TypeInformation.of(EnrichedEvent.class));

    private final long gapMs;
    private transient ListState<OpenSession> open;
    private transient Counter sessionsEmitted;

    public SessionTracker(Duration gap) {
        this.gapMs = gap.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        open = getRuntimeContext().getListState(new ListStateDescriptor<>("open-sessions", OpenSession.class));
        sessionsEmitted = ShopMetrics.counter(getRuntimeContext().getMetricGroup(), ShopMetrics.SESSIONS_EMITTED);
    }

    @Override
    public void processElement(EnrichedEvent event, Context ctx, Collector<Session> out) throws Exception {
        if (ctx.timerService().currentWatermark() >= event.ts() + gapMs) {
            ctx.output(TOO_LATE, event);
            return;
        }
        OpenSession merged = OpenSession.of(event);
        List<OpenSession> others = new ArrayList<>();
        for (OpenSession s : open.get()) {
            if (s.reaches(event.ts(), gapMs)) {
                ctx.timerService().deleteEventTimeTimer(s.end + gapMs);
                merged.merge(s);
            } else {
                others.add(s);
            }
        }
        others.add(merged);
        open.update(others);
        ctx.timerService().registerEventTimeTimer(merged.end + gapMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Session> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        List<OpenSession> stillOpen = new ArrayList<>();
        for (OpenSession s : open.get()) {
            if (s.end + gapMs <= watermark) {
                out.collect(s.toSession(ctx.getCurrentKey()));
                sessionsEmitted.inc();
            } else {
                stillOpen.add(s);
            }
        }
        if (stillOpen.isEmpty()) {
            open.clear();
        } else {
            open.update(stillOpen);
        }
    }
}
