package io.shopstream.common.kafka;

import io.shopstream.common.time.EventTime;
import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Kafka source for event-time input that emits the suite's watermarks itself, per partition,
 * with rules that depend on the data, not on the wall clock. Enumeration, splits, offsets and
 * checkpoints are Flink's {@link KafkaSource} unchanged (so savepoints of either restore into the
 * other); the reader ({@link EventTimeReader}) adds a state per partition:
 *
 * <ul>
 *   <li>Reading starts when every source instance is there ({@link StartTogetherEnumerator}).
 *   <li>Each partition's watermark is bounded out-of-orderness over its events ({@link
 *       EventTime.PartitionWatermark}), emitted at the event that raises it.
 *   <li>A partition the reader starts reading (at start, after a restore or a rescale, or found
 *       later) holds the watermark until it has delivered its first record, with no fixed wait: so
 *       after a restart the watermark moves as soon as every partition has been heard from. Only a
 *       partition that stays empty holds it until it is idle (quiet for {@code
 *       source.idle-timeout}). Being at its end offset is not enough to let it go: an exactly-once
 *       producer upstream commits every checkpoint, so a partition at its end now gets its part of
 *       the next commit together with all the others, and were it left out, the others' part
 *       could make its events late. An end-offset probe (a consumer of its own, reading from the
 *       partition's position, so transaction markers do not count as data) tells whether it has
 *       data: one at its end does not make the others wait for it to read.
 *   <li>Partitions are read in step: one whose watermark is more than {@code
 *       watermark.alignment-max-drift} ahead of the slowest (a joining partition with data counts
 *       as the slowest of all) pauses until the others catch up. Across source instances Flink's
 *       watermark alignment does the same, from reports once a second and only for instances that
 *       have a watermark already: in the first second of a fresh start on a backlog at
 *       parallelism 2 or more, one instance can read far ahead of another that is still joining
 *       (after a restore the kept watermark covers this for events far behind).
 *   <li>A partition that has delivered and then gets nothing for {@code source.idle-timeout}
 *       (time the task was back-pressured, or the partition paused by watermark alignment, does
 *       not count) is idle: it no longer holds the watermark back.
 *   <li>An idle partition that delivers again holds the watermark for one idle timeout, at its old
 *       one or at the source's combined watermark ({@link CombinedWatermark}), whichever is
 *       higher: after a pause upstream the backlog comes back on every partition, and the other
 *       source instances must have the time to take part again before this one moves the
 *       watermark. The combined watermark matters when the whole instance had been idle: Flink
 *       left it out downstream and ignores it on its return until its watermark catches up.
 * </ul>
 */
public final class EventTimeSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    /** The watermark rules' settings. */
    public record Rules<T>(EventTime.Timestamp<T> timestamp, Duration outOfOrderness, Duration maxFuture,
            Duration maxDrift, Duration idleTimeout) implements Serializable {}

    private final KafkaSource<T> kafka;
    private final Properties consumerProperties;
    private final Rules<T> rules;

    /**
     * @param consumerProperties the source's consumer properties: bootstrap servers, group id and
     *     isolation level; the end-offset probe reads with them (and never commits)
     */
    public EventTimeSource(KafkaSource<T> kafka, Properties consumerProperties, Rules<T> rules) {
        this.kafka = kafka;
        this.consumerProperties = consumerProperties;
        this.rules = rules;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        Properties probe = new Properties();
        probe.putAll(consumerProperties);
        probe.put("client.id", consumerProperties.getProperty("client.id.prefix", "shopstream") + "-probe-"
                + context.getIndexOfSubtask());
        probe.remove("client.id.prefix");
        return new EventTimeReader<>(kafka.createReader(context), context, new EndOffsetProbe(probe), rules);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        return new StartTogetherEnumerator(kafka.createEnumerator(context), context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint) throws Exception {
        return new StartTogetherEnumerator(kafka.restoreEnumerator(context, checkpoint), context);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }
}
