package io.shopstream.bench;

import io.shopstream.common.json.Json;
import io.shopstream.common.model.EnrichedEvent;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The operators a measured Flink pass adds around a job's graph: timing its first record and last
 * output, tallying and serializing its outputs, each into accumulators the pass reads at the end.
 */
final class PassOperators {

    private PassOperators() {}

    /** Passes outputs on; folds each into the pass's tally (accumulators summed over all subtasks). */
    static final class Tallying<T> extends RichMapFunction<T, T> {
        static final String RECORDS = "output-records";
        static final String CHECKSUM = "output-checksum";
        static final String KIND = "output-kind-";
        /** Output records of the running pass so far, over all subtasks (they run in this JVM); reset per pass. */
        static final AtomicLong WRITTEN = new AtomicLong();
        private final boolean late;
        private final OutputTally tally = new OutputTally();
        private transient LongCounter records;
        private transient LongCounter checksum;
        private transient Map<Class<?>, LongCounter> kinds;

        /** {@code late}: the late events of a window job, which count as input accounted for. */
        Tallying(boolean late) {
            this.late = late;
        }

        @Override
        public void open(OpenContext context) {
            records = accumulator(getRuntimeContext(), RECORDS, new LongCounter());
            checksum = accumulator(getRuntimeContext(), CHECKSUM, new LongCounter());
            kinds = new java.util.HashMap<>();
        }

        @Override
        public T map(T value) {
            OutputTally.Figures change = late ? tally.addLate((EnrichedEvent) value) : tally.add(value);
            records.add(change.records());
            WRITTEN.addAndGet(change.records());
            checksum.add(change.checksum());
            kinds.computeIfAbsent(value.getClass(), type -> accumulator(getRuntimeContext(),
                    KIND + (late ? "late" : type.getSimpleName()), new LongCounter())).add(1L);
            return value;
        }
    }

    /** Passes records on; notes (in an accumulator) when the first one went through. */
    static final class FirstRecordTime<T> extends RichMapFunction<T, T> {
        static final String ACCUMULATOR = "first-record-millis";
        private transient LongMinimum first;
        private transient boolean seen;

        @Override
        public void open(OpenContext context) {
            first = accumulator(getRuntimeContext(), ACCUMULATOR, new LongMinimum());
        }

        @Override
        public T map(T value) {
            if (!seen) {
                seen = true;
                first.add(System.currentTimeMillis());
            }
            return value;
        }
    }

    /** Passes outputs on; notes (in an accumulator) when the last one went through. */
    static final class LastOutputTime<T> extends RichMapFunction<T, T> {
        static final String ACCUMULATOR = "last-output-millis";
        private transient LongMaximum last;

        @Override
        public void open(OpenContext context) {
            last = accumulator(getRuntimeContext(), ACCUMULATOR, new LongMaximum());
        }

        @Override
        public T map(T value) {
            last.add(System.currentTimeMillis());
            return value;
        }
    }

    /** The task's accumulator of that name: several of these operators can be chained into one task. */
    @SuppressWarnings("unchecked")
    private static <A extends Accumulator<Long, Long>> A accumulator(RuntimeContext context, String name, A fresh) {
        A existing = (A) context.<Long, Long>getAccumulator(name);
        if (existing != null) {
            return existing;
        }
        context.addAccumulator(name, fresh);
        return fresh;
    }

    /**
     * Serializes outputs as the Kafka sinks would. A class, not {@code Json::write}: javac's
     * deserialization of two serializable method references to one method with different
     * parameter types can hand back the wrong one (seen here as a ClassCastException).
     */
    static final class ToJson<T> implements MapFunction<T, byte[]> {
        @Override
        public byte[] map(T value) {
            return Json.write(value);
        }
    }
}
