package io.shopstream.common.kafka;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;

/**
 * Kafka's split enumerator, plus one signal: once every reader of the source has registered (at a
 * start, after a restore), it tells them all to start reading ({@link StartReading}). Until then a
 * reader of {@link EventTimeSource} keeps its partitions paused, so that a source instance that
 * was deployed first cannot read its share of a backlog before the others have begun, which no
 * watermark alignment could undo afterwards. It also keeps the source's {@link CombinedWatermark}
 * from the readers' reports.
 */
final class StartTogetherEnumerator implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {

    /** Sent to every reader once all have registered. */
    static final class StartReading implements SourceEvent {
        private static final long serialVersionUID = 1L;
    }

    private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> kafka;
    private final SplitEnumeratorContext<KafkaPartitionSplit> context;
    private final CombinedWatermark combined = new CombinedWatermark();

    StartTogetherEnumerator(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> kafka,
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        this.kafka = kafka;
        this.context = context;
    }

    @Override
    public void addReader(int subtaskId) {
        kafka.addReader(subtaskId);
        combined.readerStarted(subtaskId);
        if (context.registeredReaders().keySet().containsAll(
                IntStream.range(0, context.currentParallelism()).boxed().toList())) {
            // Every reader: also those that registered before (a reader restarted alone hears it again, harmlessly).
            for (int reader : context.registeredReaders().keySet()) {
                context.sendEventToSourceReader(reader, new StartReading());
            }
        }
    }

    @Override
    public void start() {
        kafka.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        kafka.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
        kafka.addSplitsBack(splits, subtaskId);
    }

    @Override
    public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
        return kafka.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        kafka.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafka.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof CombinedWatermark.Report report) {
            for (int reader : combined.onReport(subtaskId, report, context.currentParallelism())) {
                // A reader that failed is unregistered until it is back (and reports again).
                if (context.registeredReaders().containsKey(reader)) {
                    context.sendEventToSourceReader(reader, new CombinedWatermark.Combined(combined.value()));
                }
            }
        } else {
            kafka.handleSourceEvent(subtaskId, sourceEvent);
        }
    }

    @Override
    public void close() throws IOException {
        kafka.close();
    }
}
