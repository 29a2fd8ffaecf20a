package io.shopstream.common.json;

import io.shopstream.common.model.DeadLetterReason;
import java.io.Serializable;

/** Reads one record type from a JSON object, applying the contract's field rules. */
public interface RecordFormat<T> extends Serializable {

    /** The fields {@link #read} looks at; the decoder skips every other field of the input. */
    Fields.Names fields();

    /**
     * Reads a record from the fields of a JSON object, checking the rules in a fixed order so that
     * the first broken one names the reason; throws with the contract's reason when it is not usable.
     */
    T read(Fields fields) throws InvalidRecordException;

    /**
     * What a null value with the given key means: a tombstone (deletion) on a compacted reference
     * topic, or {@code null} if this topic has no tombstones (the record is then {@code EMPTY}).
     */
    default T tombstone(String key) {
        return null;
    }

    /**
     * Checks a record that passed {@link #read} against its Kafka key; by default the key is not
     * checked (events and payments are keyed for partitioning only).
     */
    default void checkKey(String key, T record) throws InvalidRecordException {}

    /**
     * The rule of the compacted reference topics: the key must equal the record's id, so that an
     * update and a later tombstone address the same entry. A null key is no exception: the broker
     * refuses keyless records on a compacted topic, and a keyless update could never be deleted.
     */
    static void requireKeyIsId(String key, String idField, String id) throws InvalidRecordException {
        if (!id.equals(key)) {
            throw new InvalidRecordException(
                    DeadLetterReason.INVALID_VALUE,
                    "key " + (key == null ? "null" : "'" + Fields.abbreviate(key) + "'")
                            + " differs from " + idField + " '" + id + "'");
        }
    }
}
