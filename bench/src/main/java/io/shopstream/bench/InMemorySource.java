package io.shopstream.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Feeds a Flink job from a list held in this JVM (the MiniCluster runs in it too), so that a
 * measurement times the job, not Kafka. Parallel source instances read disjoint index ranges
 * (Flink's {@link NumberSequenceSource} splits and enumerator). The reader never blocks its task:
 * a lingering source's wait ({@link #lingering}) is an availability future, so checkpoint
 * barriers pass meanwhile. (A reader that slept in the task thread deadlocked: it waited for
 * another instance to produce its share, which could not, its channels blocked by a checkpoint's
 * alignment that waited for the sleeping reader's barrier.)
 */
public final class InMemorySource<S, T> implements Source<T, NumberSequenceSplit, Collection<NumberSequenceSplit>>,
        ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, List<?>> DATA = new ConcurrentHashMap<>();
    /** Elements produced so far per source, over all its parallel instances (they run in this JVM). */
    private static final Map<String, AtomicLong> PRODUCED = new ConcurrentHashMap<>();
    /** What a lingering source waits for after its data ({@link #lingering}). */
    private static final Map<String, BooleanSupplier> UNTIL = new ConcurrentHashMap<>();

    private final String name;
    private final int size;
    private final boolean lingers;
    private final long limitMs;
    private final Mapper<S, T> map;
    private final TypeInformation<T> type;
    private final NumberSequenceSource indexes;

    private InMemorySource(String name, List<S> list, Mapper<S, T> map, TypeInformation<T> type, S again, Duration limit) {
        this.name = name;
        this.size = list.size();
        this.lingers = again != null;
        this.limitMs = limit.toMillis();
        this.map = map;
        this.type = type;
        List<S> stored = new ArrayList<>(list);
        if (lingers) {
            stored.add(again);
        }
        DATA.put(name, stored);
        PRODUCED.put(name, new AtomicLong());
        this.indexes = new NumberSequenceSource(0, stored.size() - 1);
    }

    /** A bounded source emitting {@code map(list[i])} for every index i. */
    public static <S, T> InMemorySource<S, T> of(String name, List<S> list, Mapper<S, T> map, TypeInformation<T> type) {
        return new InMemorySource<>(name, list, map, type, null, Duration.ZERO);
    }

    /**
     * Like {@link #of}, but once every instance has produced all of its data, the input stays open
     * until {@code until} holds (at most {@code limit}), then emits {@code again} (an element of the
     * list) once more. With a condition such as "every output has been written" and an element
     * whose second copy writes nothing (a duplicate event), this keeps a job running until what it
     * holds on processing-time timers is released: Flink drops pending processing-time timers once
     * every input has ended. A wait of a fixed time after the data was produced was not enough: at
     * parallelism 2 with RocksDB the job processed the last events more than that after they were
     * produced, and the events it then held were never written.
     */
    public static <S, T> InMemorySource<S, T> lingering(String name, List<S> list, Mapper<S, T> map,
            TypeInformation<T> type, S again, BooleanSupplier until, Duration limit) {
        UNTIL.put(name, until);
        return new InMemorySource<>(name, list, map, type, again, limit);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<T, NumberSequenceSplit> createReader(SourceReaderContext context) {
        return new Reader(context);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        return indexes.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> restoreEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context, Collection<NumberSequenceSplit> checkpoint) {
        return indexes.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<NumberSequenceSplit> getSplitSerializer() {
        return indexes.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<NumberSequenceSplit>> getEnumeratorCheckpointSerializer() {
        return indexes.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }

    /** Emits its splits' elements in index order; waits for more splits, or for the lingering element's moment, on a future. */
    private final class Reader implements SourceReader<T, NumberSequenceSplit> {
        private final SourceReaderContext context;
        private final Deque<NumberSequenceSplit> splits = new ArrayDeque<>();
        private List<S> data;
        private NumberSequenceSplit current;
        private long next;
        private boolean noMoreSplits;
        private boolean requested;
        private long lingerDeadline = -1;
        private CompletableFuture<Void> available = new CompletableFuture<>();

        Reader(SourceReaderContext context) {
            this.context = context;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void start() {
            data = (List<S>) DATA.get(name);
            request();
        }

        private void request() {
            if (!requested && !noMoreSplits) {
                requested = true;
                context.sendSplitRequest();
            }
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            if (current == null || next > current.to()) {
                current = splits.poll();
                if (current == null) {
                    if (noMoreSplits) {
                        return InputStatus.END_OF_INPUT;
                    }
                    request();
                    return waitFor(null);
                }
                next = current.from();
            }
            if (next == size && lingers && !mayLeave()) {
                // The other instances may still be producing their share, or the job still holds events.
                return waitFor(CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)));
            }
            int index = (int) next++;
            if (index < size) {
                PRODUCED.get(name).incrementAndGet();
            }
            output.collect(map.apply(data.get(index)));
            return InputStatus.MORE_AVAILABLE;
        }

        private boolean mayLeave() {
            if (PRODUCED.get(name).get() < size) {
                return false;
            }
            if (lingerDeadline < 0) {
                lingerDeadline = System.currentTimeMillis() + limitMs;
            }
            return UNTIL.get(name).getAsBoolean() || System.currentTimeMillis() >= lingerDeadline;
        }

        /** Nothing to emit now; {@code wake} (or new splits, or their end) makes the reader available again. */
        private InputStatus waitFor(CompletableFuture<Void> wake) {
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            if (wake != null) {
                CompletableFuture<Void> toComplete = available;
                wake.thenRun(() -> toComplete.complete(null));
            }
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<NumberSequenceSplit> newSplits) {
            splits.addAll(newSplits);
            requested = false;
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public List<NumberSequenceSplit> snapshotState(long checkpointId) {
            List<NumberSequenceSplit> state = new ArrayList<>();
            if (current != null && next <= current.to()) {
                state.add(new NumberSequenceSplit(current.splitId(), next, current.to()));
            }
            state.addAll(splits);
            return state;
        }

        @Override
        public void close() {}
    }

    /** Turns a stored element into what the source emits (for example, decodes raw bytes). */
    @FunctionalInterface
    public interface Mapper<S, T> extends java.io.Serializable {
        T apply(S stored) throws Exception;
    }
}
