package io.shopstream.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    private InMemorySource() {}

    /** A bounded source emitting {@code map(list[i])} for every index i. */
    public static <S, T> DataGeneratorSource<T> of(String name, List<S> list, Mapper<S, T> map, TypeInformation<T> type) {
        DATA.put(name, list);
        GeneratorFunction<Long, T> function = new GeneratorFunction<>() {
            private transient List<S> data;

            @Override
            @SuppressWarnings("unchecked")
            public T map(Long index) throws Exception {
                if (data == null) {
                    data = (List<S>) DATA.get(name);
                }
                return map.apply(data.get(index.intValue()));
            }
        };
        return new DataGeneratorSource<>(function, list.size(), RateLimiterStrategy.noOp(), type);
    }

    /** Turns a stored element into what the source emits (for example, decodes raw bytes). */
    @FunctionalInterface
    public interface Mapper<S, T> extends java.io.Serializable {
        T apply(S stored) throws Exception;
    }
}
