package io.shopstream.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Feeds a Flink job from a list held in this JVM (the MiniCluster runs in it too), so that a
 * measurement times the job, not Kafka. Parallel source instances read disjoint index ranges.
 */
public final class InMemorySource {

    private static final Map<String, List<?>> DATA = new ConcurrentHashMap<>();
    /** Elements produced so far per source, over all its parallel instances (they run in this JVM). */
    private static final Map<String, AtomicLong> PRODUCED = new ConcurrentHashMap<>();
    /** What a lingering source waits for after its data ({@link #lingering}). */
    private static final Map<String, BooleanSupplier> UNTIL = new ConcurrentHashMap<>();

    private InMemorySource() {}

    /** A bounded source emitting {@code map(list[i])} for every index i. */
    public static <S, T> DataGeneratorSource<T> of(String name, List<S> list, Mapper<S, T> map, TypeInformation<T> type) {
        return source(name, list, map, type, null, Duration.ZERO);
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
    public static <S, T> DataGeneratorSource<T> lingering(String name, List<S> list, Mapper<S, T> map,
            TypeInformation<T> type, S again, BooleanSupplier until, Duration limit) {
        UNTIL.put(name, until);
        return source(name, list, map, type, again, limit);
    }

    private static <S, T> DataGeneratorSource<T> source(String name, List<S> list, Mapper<S, T> map,
            TypeInformation<T> type, S again, Duration limit) {
        int size = list.size();
        boolean lingers = again != null;
        long limitMs = limit.toMillis();
        List<S> stored = new java.util.ArrayList<>(list);
        if (lingers) {
            stored.add(again);
        }
        DATA.put(name, stored);
        PRODUCED.put(name, new AtomicLong());
        GeneratorFunction<Long, T> function = new GeneratorFunction<>() {
            private transient List<S> data;

            @Override
            @SuppressWarnings("unchecked")
            public T map(Long index) throws Exception {
                if (data == null) {
                    data = (List<S>) DATA.get(name);
                }
                if (index >= size) {
                    // The other instances may still be producing their share (with back-pressure).
                    AtomicLong produced = PRODUCED.get(name);
                    while (produced.get() < size) {
                        Thread.sleep(10);
                    }
                    long deadline = System.currentTimeMillis() + limitMs;
                    BooleanSupplier until = UNTIL.get(name);
                    while (!until.getAsBoolean() && System.currentTimeMillis() < deadline) {
                        Thread.sleep(10);
                    }
                    return map.apply(data.get(size));
                }
                PRODUCED.get(name).incrementAndGet();
                return map.apply(data.get(index.intValue()));
            }
        };
        long count = lingers ? size + 1 : size;
        return new DataGeneratorSource<>(function, count, RateLimiterStrategy.noOp(), type);
    }

    /** Turns a stored element into what the source emits (for example, decodes raw bytes). */
    @FunctionalInterface
    public interface Mapper<S, T> extends java.io.Serializable {
        T apply(S stored) throws Exception;
    }
}
