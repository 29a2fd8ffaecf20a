package io.shopstream.payments;

import io.shopstream.common.json.Json;
import io.shopstream.common.model.DeadLetter;
import io.shopstream.common.model.DeadLetterReason;
import io.shopstream.common.time.EventTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The dead letter of an order or payment from the future ({@link EventTime#isFromTheFuture}): the
 * payments job would hold it until the watermark reached its window's end, which may be never.
 *
 * <p>The record has been decoded already, so the dead letter carries it re-encoded in the
 * contract's JSON ({@code ts} in epoch millis) as {@code rawValue}, and -1 as partition and offset.
 */
final class FromTheFuture<T> implements MapFunction<T, DeadLetter> {

    private static final long serialVersionUID = 1L;

    private final String job;
    private final String topic;
    private final KeySelector<T, String> key;
    private final EventTime.Timestamp<T> timestamp;
    private final Duration maxFuture;

    private FromTheFuture(String job, String topic, KeySelector<T, String> key, EventTime.Timestamp<T> timestamp,
            Duration maxFuture) {
        this.job = job;
        this.topic = topic;
        this.key = key;
        this.timestamp = timestamp;
        this.maxFuture = maxFuture;
    }

    /** Dead letters for records of {@code topic}, whose Kafka key is {@code key} of the record. */
    static <T> FromTheFuture<T> deadLetters(String job, String topic, KeySelector<T, String> key,
            EventTime.Timestamp<T> timestamp, Duration maxFuture) {
        return new FromTheFuture<>(job, topic, key, timestamp, maxFuture);
    }

    @Override
    public DeadLetter map(T record) throws Exception {
        return new DeadLetter(
                DeadLetterReason.INVALID_VALUE, detail(timestamp.of(record), maxFuture), topic, -1, -1,
                key.getKey(record), new String(Json.write(record), StandardCharsets.UTF_8), null, job,
                System.currentTimeMillis());
    }

    static String detail(long ts, Duration maxFuture) {
        return "from the future: ts " + Instant.ofEpochMilli(ts) + " is more than watermark.max-future ("
                + maxFuture.toString().substring(2).toLowerCase() + ") ahead of the clock of the machine that read it";
    }
}
