package io.shopstream.common.time;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records through unchanged and makes sure the watermark never goes back, also across a
 * restart.
 *
 * <p>Flink does not checkpoint watermarks: a restored job starts from {@code Long.MIN_VALUE} and
 * the sources rebuild the watermark from the replayed records. A window that was fired and purged
 * before the checkpoint would then be rebuilt from a replayed late event and emitted with a
 * partial count. This operator checkpoints the highest watermark it has emitted and, after a
 * restore, emits that watermark before the first record (or first lower watermark), then
 * swallows every watermark that is not higher.
 *
 * <p>Where to put it: directly in front of the operator that acts on the watermark, connected
 * to it one-to-one (same parallelism, forward or chained), so that the operator receives the kept
 * watermark before any record. For a keyed operator use {@link #keepKeyed}. Behind a shuffle the
 * downstream operator combines several channels and could see a record before every channel has
 * sent its kept watermark. A two-input operator should get its inputs unioned first.
 *
 * <p>Rescaling: the state is union list state holding each subtask's (watermark, idle) pair. A
 * restored subtask takes the minimum over the subtasks that were active (idle ones did not hold
 * the downstream watermark back), or the maximum when all were idle, which is what Flink's own
 * watermark valve computes over the same inputs.
 *
 * <p>End of input ({@code flink stop --drain}, or a bounded input) is the end of event time: the
 * keeper then emits the maximum watermark itself, so every window and timer fires. Flink 2.2 does
 * not deliver it when the source is idle at that moment (it drops watermarks while the announced
 * status is idle, FLINK-40499), which would leave the last windows of a drained job unfired.
 */
public final class WatermarkKeeper<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** Operator name shown in the web UI. */
    public static final String NAME = "Keep watermark";

    private transient ListState<Tuple2<Long, Boolean>> keptState;
    private transient long kept;
    private transient boolean idle;
    private transient boolean emitKeptFirst;

    /**
     * Returns {@code input}'s records with watermarks that never go back across restarts. Place it
     * directly before the operator that acts on the watermark (see the class comment).
     */
    public static <T> DataStream<T> keep(DataStream<T> input, String uid) {
        return input.transform(NAME, input.getType(), new WatermarkKeeper<T>()).uid(uid);
    }

    /**
     * The keyed form: keeps the watermark after the shuffle of {@code input} and hands back the
     * same keyed stream, connected one-to-one to whatever is applied next (a window, a keyed
     * process function).
     */
    public static <T, K> KeyedStream<T, K> keepKeyed(KeyedStream<T, K> input, String uid) {
        DataStream<T> kept = keep(input, uid);
        return DataStreamUtils.reinterpretAsKeyedStream(kept, input.getKeySelector(), input.getKeyType());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        keptState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>("kept-watermark", Types.TUPLE(Types.LONG, Types.BOOLEAN)));
        kept = Long.MIN_VALUE;
        idle = false;
        if (context.isRestored()) {
            List<Tuple2<Long, Boolean>> subtasks = new ArrayList<>();
            keptState.get().forEach(subtasks::add);
            kept = restoredWatermark(subtasks);
        }
        emitKeptFirst = kept > Long.MIN_VALUE;
    }

    /** Min over the subtasks that were active; max over all when every subtask was idle. */
    static long restoredWatermark(List<Tuple2<Long, Boolean>> subtasks) {
        long minActive = Long.MAX_VALUE;
        long maxAll = Long.MIN_VALUE;
        boolean anyActive = false;
        for (Tuple2<Long, Boolean> s : subtasks) {
            maxAll = Math.max(maxAll, s.f0);
            if (!s.f1) {
                anyActive = true;
                minActive = Math.min(minActive, s.f0);
            }
        }
        return anyActive ? minActive : maxAll;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        keptState.update(List.of(Tuple2.of(kept, idle)));
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        emitKeptIfRestored();
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > kept) {
            kept = mark.getTimestamp();
            emitKeptFirst = false;
            output.emitWatermark(mark);
        } else {
            emitKeptIfRestored();
        }
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        idle = status.isIdle();
        output.emitWatermarkStatus(status);
    }

    @Override
    public void endInput() {
        if (kept < Long.MAX_VALUE) {
            if (idle) {
                idle = false;
                output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
            }
            kept = Long.MAX_VALUE;
            emitKeptFirst = false;
            output.emitWatermark(Watermark.MAX_WATERMARK);
        }
    }

    private void emitKeptIfRestored() {
        if (emitKeptFirst) {
            emitKeptFirst = false;
            output.emitWatermark(new Watermark(kept));
        }
    }
}
