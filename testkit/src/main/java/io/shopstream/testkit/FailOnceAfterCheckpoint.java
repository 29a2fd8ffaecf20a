package io.shopstream.testkit;

import io.shopstream.common.job.JobHooks;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.testutils.junit.SharedObjectsExtension;
import org.apache.flink.testutils.junit.SharedReference;

/**
 * Failure injection for MiniCluster tests: passes records through and throws once, in the first
 * attempt, on the first record after a checkpoint has completed that was taken after at least
 * {@code afterRecords} records went through. The job then restarts from that checkpoint.
 *
 * <p>Whether it has failed lives in Flink's {@link SharedObjectsExtension}, one per test: the
 * injector's instances (re-created on restart) and the test see the same flag, and no test sees
 * another's.
 */
public final class FailOnceAfterCheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {

    private static final long serialVersionUID = 1L;

    private final SharedReference<Progress> progress;
    private final long afterRecords;

    private FailOnceAfterCheckpoint(SharedReference<Progress> progress, long afterRecords) {
        this.progress = progress;
        this.afterRecords = afterRecords;
    }

    /** A new injection, whose state lives in {@code shared} (for the running test). */
    public static Injection in(SharedObjectsExtension shared) {
        return new Injection(shared.add(new Progress()));
    }

    /** The test's side of one injection: the tap that inserts it into a job, and whether it struck. */
    public static final class Injection {

        private final SharedReference<Progress> progress;

        private Injection(SharedReference<Progress> progress) {
            this.progress = progress;
        }

        /** The injector as a {@link JobHooks.Tap} for a job's tap point (parallelism of the stream, chained). */
        public JobHooks.Tap tap(long afterRecords) {
            return new JobHooks.Tap() {
                @Override
                public <T> DataStream<T> apply(DataStream<T> stream) {
                    return stream.map(new FailOnceAfterCheckpoint<T>(progress, afterRecords), stream.getType())
                            .name("Failure injector")
                            .uid("failure-injector");
                }
            };
        }

        /** Whether the failure has been injected. */
        public boolean hasFailed() {
            return progress.get().failed.get();
        }
    }

    /** What every instance of one injection shares, across restarts. */
    private static final class Progress {
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicLong seen = new AtomicLong();
        final AtomicBoolean armed = new AtomicBoolean();
    }

    @Override
    public T map(T value) {
        Progress p = progress.get();
        long seen = p.seen.incrementAndGet();
        if (p.armed.get() && p.failed.compareAndSet(false, true)) {
            throw new InjectedFailure("Injected failure after a completed checkpoint, " + seen + " records in");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Progress p = progress.get();
        if (!p.failed.get() && p.seen.get() >= afterRecords) {
            p.armed.set(true);
        }
    }

    /** The exception thrown by the injector. */
    public static final class InjectedFailure extends RuntimeException {
        public InjectedFailure(String message) {
            super(message);
        }
    }
}
