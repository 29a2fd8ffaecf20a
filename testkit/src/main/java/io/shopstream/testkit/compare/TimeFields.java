package io.shopstream.testkit.compare;

import io.shopstream.common.json.Json;
import io.shopstream.common.model.DeadLetter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Records without the fields that say when they were written, which no two runs share: a dead
 * letter's {@code deadLetteredAt}. What remains must be equal between a job and its oracle.
 */
public final class TimeFields {

    private TimeFields() {}

    /** {@code letter} with {@code deadLetteredAt} 0. */
    public static DeadLetter withoutTime(DeadLetter letter) {
        return new DeadLetter(letter.reason(), letter.detail(), letter.sourceTopic(), letter.partition(),
                letter.offset(), letter.key(), letter.rawValue(), letter.rawValueBase64(), letter.job(), 0L);
    }

    /** A dead letter's JSON read as a {@link DeadLetter}, {@code deadLetteredAt} 0. */
    public static DeadLetter withoutTime(String deadLetterJson) {
        return withoutTime(readDeadLetter(deadLetterJson));
    }

    /** Each dead letter's JSON without its time, sorted: equal lists mean the same dead letters. */
    public static List<String> withoutTime(List<DeadLetter> letters) {
        return letters.stream().map(TimeFields::withoutTime).map(Json::writeString).sorted().toList();
    }

    /** Reads a dead letter's JSON. */
    public static DeadLetter readDeadLetter(String json) {
        try {
            return Json.MAPPER.readValue(json, DeadLetter.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Not a dead letter: " + json, e);
        }
    }
}
