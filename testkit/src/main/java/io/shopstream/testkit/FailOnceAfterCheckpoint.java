package io.shopstream.testkit;

import io.shopstream.common.job.JobHooks;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Failure injection for MiniCluster tests: passes records through and throws once, in the first
 * attempt, on the first record after a checkpoint has completed that was taken after at least
 * {@code afterRecords} records went through. The job then restarts from that checkpoint.
 *
 * <p>The "failed already" flag is JVM-wide (the MiniCluster runs in the test's JVM); call {@link
 * #reset()} before each test.
 */
public final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicBoolean ARMED = new AtomicBoolean();

    private final long afterRecords;

    private FailOnceAfterCheckpoint(long afterRecords) {
        this.afterRecords = afterRecords;
    }

    /** Inserts the injector after {@code stream} (parallelism of the stream, chained). */
    public static <T> DataStream<T> inject(DataStream<T> stream, long afterRecords, TypeInformation<T> type) {
        return stream.map(new FailOnceAfterCheckpoint<T>(afterRecords), type)
                .name("Failure injector")
                .uid("failure-injector");
    }

    /** The injector as a {@link JobHooks.Tap}, for a job's tap point. */
    public static JobHooks.Tap tap(long afterRecords) {
        return new JobHooks.Tap() {
            @Override
            public <T> DataStream<T> apply(DataStream<T> stream) {
                return inject(stream, afterRecords, stream.getType());
            }
        };
    }

    public static void reset() {
        FAILED.set(false);
        SEEN.set(0);
        ARMED.set(false);
    }

    /** Whether the failure has been injected. */
    public static boolean hasFailed() {
        return FAILED.get();
    }

    @Override
    public void open(OpenContext openContext) {}

    @Override
    public T map(T value) {
        SEEN.incrementAndGet();
        if (ARMED.get() && FAILED.compareAndSet(false, true)) {
            throw new InjectedFailure("Injected failure after a completed checkpoint, " + SEEN.get() + " records in");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (!FAILED.get() && SEEN.get() >= afterRecords) {
            ARMED.set(true);
        }
    }

    /** The exception thrown by the injector. */
    public static final class InjectedFailure extends RuntimeException {
        public InjectedFailure(String message) {
            super(message);
        }
    }
}
