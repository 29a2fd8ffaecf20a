package io.shopstream.common.job;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * What a test may change in a job's graph without copying it: a {@link Tap} at one of the job's
 * named points (each job lists its points as {@code TAP_*} constants), and, to show what goes
 * wrong without it, leaving out the watermark keeper. A real run uses {@link #NONE}.
 */
public final class JobHooks {

    /** No taps, the full graph: what every real run uses. */
    public static final JobHooks NONE = new JobHooks(Map.of(), true);

    /** Something inserted into a stream, such as a failure injector; it must keep the stream's type. */
    @FunctionalInterface
    public interface Tap {
        <T> DataStream<T> apply(DataStream<T> stream);
    }

    private final Map<String, Tap> taps;
    private final boolean keepWatermark;
    private final Set<String> used = new HashSet<>();

    private JobHooks(Map<String, Tap> taps, boolean keepWatermark) {
        this.taps = taps;
        this.keepWatermark = keepWatermark;
    }

    /** These hooks plus {@code tap} at the job's point {@code point}. */
    public JobHooks tap(String point, Tap tap) {
        Map<String, Tap> more = new HashMap<>(taps);
        if (more.put(point, tap) != null) {
            throw new IllegalArgumentException("Tap point '" + point + "' is tapped twice");
        }
        return new JobHooks(Map.copyOf(more), keepWatermark);
    }

    /** These hooks, building the naive graph without the watermark keeper (tests show what goes wrong). */
    public JobHooks withoutWatermarkKeeper() {
        return new JobHooks(taps, false);
    }

    /** Called by a job at its point {@code point}: the stream itself, or what the tap there makes of it. */
    public <T> DataStream<T> at(String point, DataStream<T> stream) {
        if (taps.isEmpty()) {
            return stream;
        }
        used.add(point);
        Tap tap = taps.get(point);
        return tap == null ? stream : tap.apply(stream);
    }

    /** Whether the job keeps its watermark across restarts (always, except in tests that show why). */
    public boolean keepWatermark() {
        return keepWatermark;
    }

    /** Fails if a tap was given for a point the job does not have (a misspelt point would silently do nothing). */
    void checkAllTapsUsed(String job) {
        for (String point : taps.keySet()) {
            if (!used.contains(point)) {
                throw new IllegalArgumentException("Job '" + job + "' has no tap point '" + point + "'");
            }
        }
    }
}
