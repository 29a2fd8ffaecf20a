package io.shopstream.categorystats;

import io.shopstream.common.config.JobConfig;
import io.shopstream.common.model.CategoryStats;
import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.time.PlainWatermarks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's semantics as a plain single-threaded program: the oracle of the randomized tests and
 * the baseline of the benchmarks. Feed it events and watermarks in order ({@link #onEvent},
 * {@link #onWatermark}), or whole partitions with the job's watermark rule ({@link #run}).
 *
 * <p>Rules (Flink's, for a watermark W that promises no more events at or before W): an event
 * belongs to the window [start, start + size) aligned to the epoch; the window fires when W
 * reaches end - 1 (revision 0); an event arriving while W is below end - 1 + allowed lateness
 * still updates it, and if the window has fired already it is emitted again at once with the
 * next revision; later events are late. A window's state goes when W reaches end - 1 + lateness.
 */
public final class PlainCategoryStats implements PlainWatermarks.Loop<EnrichedEvent> {

    /** What the job would write: every emitted revision (the topic keeps the last per window) and the late events. */
    public record Result(List<CategoryStats> stats, List<EnrichedEvent> late) {}

    private record WindowKey(String category, long start) {}

    private static final class Window {
        final CategoryTotals totals = new CategoryTotals();
        int nextRevision;
        boolean timerPending;
    }

    private final long sizeMs;
    private final long latenessMs;
    private final Map<WindowKey, Window> windows = new HashMap<>();
    private final List<CategoryStats> emitted = new ArrayList<>();
    private final List<EnrichedEvent> late = new ArrayList<>();
    private long watermark = Long.MIN_VALUE;

    public PlainCategoryStats(Duration windowSize, Duration allowedLateness) {
        this.sizeMs = windowSize.toMillis();
        this.latenessMs = allowedLateness.toMillis();
    }

    /** Runs the job's rules over partitions read round-robin, then the end of input. */
    public static Result run(JobConfig config, List<List<EnrichedEvent>> partitions, long nowMillis) {
        PlainCategoryStats stats =
                new PlainCategoryStats(
                        config.get(CategoryStatsOptions.WINDOW_SIZE), config.get(CategoryStatsOptions.ALLOWED_LATENESS));
        PlainWatermarks.replay(config, partitions, EnrichedEvent::ts, nowMillis, stats);
        return stats.result();
    }

    @Override
    public void onLate(EnrichedEvent event) {
        late.add(event);
    }

    @Override
    public void onEvent(EnrichedEvent event) {
        long start = event.ts() - Math.floorMod(event.ts(), sizeMs);
        long maxTimestamp = start + sizeMs - 1;
        if (maxTimestamp + latenessMs <= watermark) {
            late.add(event);
            return;
        }
        WindowKey key = new WindowKey(event.category(), start);
        Window window = windows.get(key);
        if (window == null) {
            window = new Window();
            window.timerPending = maxTimestamp > watermark;
            windows.put(key, window);
        }
        window.totals.add(event);
        if (maxTimestamp <= watermark) {
            emit(key, window);
        }
    }

    @Override
    public void onWatermark(long newWatermark) {
        if (newWatermark <= watermark) {
            return;
        }
        watermark = newWatermark;
        List<WindowKey> keys = new ArrayList<>(windows.keySet());
        keys.sort(Comparator.comparingLong(WindowKey::start).thenComparing(WindowKey::category));
        for (WindowKey key : keys) {
            Window window = windows.get(key);
            long maxTimestamp = key.start() + sizeMs - 1;
            if (window.timerPending && maxTimestamp <= watermark) {
                window.timerPending = false;
                emit(key, window);
            }
            if (maxTimestamp + latenessMs <= watermark) {
                windows.remove(key);
            }
        }
    }

    private void emit(WindowKey key, Window window) {
        CategoryTotals t = window.totals;
        emitted.add(new CategoryStats(key.category(), key.start(), key.start() + sizeMs, t.views, t.addToCarts, t.orders,
                t.unitsOrdered, t.revenueCents, t.customers.size(), window.nextRevision++));
    }

    /** Windows still held (not yet past their lateness). */
    public int openWindows() {
        return windows.size();
    }

    public long watermark() {
        return watermark;
    }

    public Result result() {
        return new Result(List.copyOf(emitted), List.copyOf(late));
    }
}
