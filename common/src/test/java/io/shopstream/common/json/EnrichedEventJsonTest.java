package io.shopstream.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.EnrichedEvent;
import io.shopstream.common.model.Enrichment;
import io.shopstream.common.model.EventType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written enriched-event JSON is byte for byte what the mapper writes for the record. */
class EnrichedEventJsonTest {

    /** Plain text, JSON's escapes, control characters, non-ASCII, emoji, lone surrogates. */
    private static final String[] PIECES = {
        "e-1", "c-17", "books", "a", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f", "\u0000", "\u0001", "\u001f",
        "\u007f", "\u0080", "\u00fc", "\u20ac", "\u2028", "\u2029", "\ufeff", "\uffff", "\ud83d\ude00", "\ud800", "\udfff",
        "</script>", "{\"a\":1}", "x".repeat(200)
    };

    private static final long[] LONGS = {
        0, 1, -1, 42, 1999, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1764238512000L
    };

    @Test
    void theContractExampleAndAnEventWithEveryValueNull() {
        assertSameBytes(new EnrichedEvent(
                "e-3", EventType.ORDER, "c-17", "p-42", 2, "o-981", 3998L, 1764238512000L, "books", "Dune", 1999L,
                "DE", "gold", Enrichment.COMPLETE));
        assertSameBytes(new EnrichedEvent(
                null, null, null, null, 0, null, null, 0, null, null, null, null, null, null));
    }

    @Test
    void manyGeneratedEvents() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            assertSameBytes(new EnrichedEvent(
                    text(random), pick(random, EventType.values()), text(random), text(random),
                    (int) number(random), text(random), boxed(random), number(random), text(random), text(random),
                    boxed(random), text(random), text(random), pick(random, Enrichment.values())));
        }
    }

    @Test
    void jsonWriteTakesTheHandWrittenPath() {
        EnrichedEvent e = new EnrichedEvent(
                "e-1", EventType.VIEW, "c-1", "p-1", 1, null, null, 1764238512000L, "unknown", null, null, null, null,
                Enrichment.MISSING_BOTH);
        assertThat(Json.write(e)).isEqualTo(EnrichedEventFormat.toJson(e));
        assertThat(Json.writeString(e)).isEqualTo(new String(Json.write(e), StandardCharsets.UTF_8));
    }

    private static void assertSameBytes(EnrichedEvent e) {
        byte[] expected;
        try {
            expected = Json.MAPPER.writeValueAsBytes(e);
        } catch (Exception x) {
            throw new AssertionError(x);
        }
        byte[] actual = EnrichedEventFormat.toJson(e);
        if (!Arrays.equals(actual, expected)) {
            assertThat(new String(actual, StandardCharsets.UTF_8)).as(e.toString())
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(actual).as(e.toString()).isEqualTo(expected);
        }
    }

    private static String text(SplittableRandom random) {
        if (random.nextInt(5) == 0) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        int pieces = random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            s.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x10000) : PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    private static long number(SplittableRandom random) {
        return random.nextBoolean() ? LONGS[random.nextInt(LONGS.length)] : random.nextLong();
    }

    private static Long boxed(SplittableRandom random) {
        return random.nextInt(4) == 0 ? null : number(random);
    }

    private static <E> E pick(SplittableRandom random, E[] values) {
        return random.nextInt(6) == 0 ? null : values[random.nextInt(values.length)];
    }
}
