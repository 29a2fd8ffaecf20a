package io.shopstream.common.json;

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
}
