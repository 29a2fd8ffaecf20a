package io.shopstream.common.time;

import io.shopstream.common.json.Fields;
import io.shopstream.common.json.InvalidRecordException;
import io.shopstream.common.json.RecordFormat;
import io.shopstream.common.model.DeadLetterReason;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * A record format for inputs whose records must not be from the future ({@link
 * EventTime#isFromTheFuture}, judged by the clock of the machine that reads them): such a record
 * is {@code INVALID_VALUE}, so it becomes a dead letter where it is read, with its topic,
 * partition, offset and raw value, and never reaches an operator that would hold it until the
 * watermark reaches its far-off time. Only records {@code concerned} are checked.
 */
public final class NotFromTheFuture<T> implements RecordFormat<T> {

    private static final long serialVersionUID = 1L;

    /** Which records the rule applies to. */
    public interface Concerned<T> extends Serializable {
        boolean test(T record);
    }

    private final RecordFormat<T> format;
    private final EventTime.Timestamp<T> timestamp;
    private final Concerned<T> concerned;
    private final Duration maxFuture;

    private NotFromTheFuture(RecordFormat<T> format, EventTime.Timestamp<T> timestamp, Concerned<T> concerned,
            Duration maxFuture) {
        this.format = format;
        this.timestamp = timestamp;
        this.concerned = concerned;
        this.maxFuture = maxFuture;
    }

    /** {@code format}, with its {@code concerned} records from more than {@code maxFuture} ahead invalid. */
    public static <T> NotFromTheFuture<T> of(RecordFormat<T> format, EventTime.Timestamp<T> timestamp,
            Concerned<T> concerned, Duration maxFuture) {
        return new NotFromTheFuture<>(format, timestamp, concerned, maxFuture);
    }

    @Override
    public Fields.Names fields() {
        return format.fields();
    }

    @Override
    public T read(Fields fields) throws InvalidRecordException {
        T record = format.read(fields);
        if (concerned.test(record)) {
            long ts = timestamp.of(record);
            if (EventTime.isFromTheFuture(ts, System.currentTimeMillis(), maxFuture)) {
                throw new InvalidRecordException(DeadLetterReason.INVALID_VALUE, detail(ts, maxFuture));
            }
        }
        return record;
    }

    @Override
    public T tombstone(String key) {
        return format.tombstone(key);
    }

    @Override
    public void checkKey(String key, T record) throws InvalidRecordException {
        format.checkKey(key, record);
    }

    /** The dead letter's detail: the record's time and the limit it broke. */
    public static String detail(long ts, Duration maxFuture) {
        return "from the future: ts " + Instant.ofEpochMilli(ts) + " is more than watermark.max-future ("
                + maxFuture.toString().substring(2).toLowerCase() + ") ahead of the clock of the machine that read it";
    }
}
