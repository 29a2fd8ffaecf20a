package io.shopstream.common.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * The source's watermark over all its instances, as the operators downstream combine it: the
 * minimum over the instances that are not idle, or the maximum when all are idle; and like
 * theirs, it never goes back. Kept by the enumerator from the readers' {@link Report}s and sent
 * to the readers that have partitions back from idle ({@link Combined}), which hold the watermark
 * there rather than at their own old one (see {@code EventTimeReader#holdAtCombined}).
 *
 * <p>Reports arrive late, so this is never above what downstream has; an instance that has not
 * reported since it (re)started counts as holding everything back.
 */
final class CombinedWatermark {

    /** A reader's watermark as downstream has it, whether all its partitions are idle, and whether it wants {@link Combined}. */
    record Report(long watermark, boolean idle, boolean wantsCombined) implements SourceEvent {
        private static final long serialVersionUID = 1L;
    }

    /** The combined watermark, sent to the readers that want it. */
    record Combined(long watermark) implements SourceEvent {
        private static final long serialVersionUID = 1L;
    }

    private final Map<Integer, Report> reports = new HashMap<>();
    private long value = Long.MIN_VALUE;

    long value() {
        return value;
    }

    /** A reader (re)started: until it reports, it holds the combined watermark where it is. */
    void readerStarted(int subtask) {
        reports.remove(subtask);
    }

    /**
     * Takes a reader's report; returns the readers to send the combined watermark to: every reader
     * that wants it when the value rose, else the reporting one if it just started to want it.
     */
    List<Integer> onReport(int subtask, Report report, int parallelism) {
        Report before = reports.put(subtask, report);
        long candidate = combine(parallelism);
        List<Integer> to = new ArrayList<>();
        if (candidate > value) {
            value = candidate;
            reports.forEach((reader, r) -> {
                if (r.wantsCombined()) {
                    to.add(reader);
                }
            });
        } else if (report.wantsCombined() && (before == null || !before.wantsCombined()) && value != Long.MIN_VALUE) {
            to.add(subtask);
        }
        return to;
    }

    private long combine(int parallelism) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean anyActive = false;
        for (int reader = 0; reader < parallelism; reader++) {
            Report r = reports.get(reader);
            if (r == null) {
                return Long.MIN_VALUE; // not heard from: holds everything back
            }
            if (r.idle()) {
                max = Math.max(max, r.watermark());
            } else {
                anyActive = true;
                min = Math.min(min, r.watermark());
            }
        }
        return anyActive ? min : max;
    }
}
