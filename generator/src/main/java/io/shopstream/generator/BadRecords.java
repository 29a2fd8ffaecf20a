package io.shopstream.generator;

import static io.shopstream.common.model.DeadLetterReason.EMPTY;
import static io.shopstream.common.model.DeadLetterReason.INVALID_VALUE;
import static io.shopstream.common.model.DeadLetterReason.MALFORMED_JSON;
import static io.shopstream.common.model.DeadLetterReason.MISSING_FIELD;
import static io.shopstream.common.model.DeadLetterReason.NOT_UTF8;
import static io.shopstream.common.model.DeadLetterReason.TOO_LARGE;
import static io.shopstream.common.model.DeadLetterReason.UNKNOWN_TYPE;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopstream.common.json.Fields;
import io.shopstream.common.json.Json;
import io.shopstream.common.model.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns a valid record into a bad one that a job must dead-letter with exactly one given reason.
 * Each bad record has a single defect, so the reason the contract's checks find is unambiguous.
 */
final class BadRecords {

    /** The bad value bytes and the reason a job must give for them. */
    record Bad(byte[] value, DeadLetterReason reason) {}

    /** Far above the contract's 65,536-byte input limit. */
    static final int OVERSIZED_PADDING = 70_000;

    private static final long YEAR_2150 = 5_680_281_600_000L;
    private static final long YEAR_1999 = 915_148_800_000L;

    private BadRecords() {}

    /**
     * A bad event made from a valid one ({@code valid} has eventId, type, customerId, productId,
     * ts and maybe quantity/orderId/amountCents). The reason is drawn uniformly from every
     * DeadLetter reason.
     */
    static Bad event(ObjectNode valid, SplittableRandom random) {
        DeadLetterReason reason = DeadLetterReason.values()[random.nextInt(DeadLetterReason.values().length)];
        ObjectNode o = valid.deepCopy();
        return switch (reason) {
            case MALFORMED_JSON -> malformedJson(o, random);
            case MISSING_FIELD -> {
                String field = pick(random, "eventId", "type", "customerId", "productId", "ts");
                yield json(missing(o, field, random), MISSING_FIELD);
            }
            case INVALID_VALUE -> {
                switch (random.nextInt(11)) {
                    case 0 -> o.put("ts", true);
                    case 1 -> o.put("ts", YEAR_2150);
                    case 2 -> o.put("ts", YEAR_1999);
                    case 3 -> o.put("ts", "yesterday at noon");
                    case 4 -> o.put("customerId", 17);
                    case 5 -> o.put("quantity", random.nextBoolean() ? 0 : 10_001);
                    case 6 -> o.put("productId", "p-" + "x".repeat(Fields.MAX_ID_LENGTH));
                    case 7 -> o.put("quantity", ""); // a string is no number, the empty one included
                    case 8 -> o.put("eventId", o.path("eventId").asText() + "\u0007"); // a control character
                    case 9 -> o.put("productId", o.path("productId").asText() + "\ud800"); // a lone surrogate, escaped
                    default -> o.put("ts", o.path("ts").isNumber() ? o.get("ts").asLong() + 0.5 : 1.5e12);
                }
                yield json(o, INVALID_VALUE);
            }
            case UNKNOWN_TYPE -> {
                o.put("type", pick(random, "PURCHASE", "view", "Order", "REFUND", "CHECKOUT"));
                yield json(o, UNKNOWN_TYPE);
            }
            default -> common(o, reason);
        };
    }

    /** A bad payment made from a valid one; the reason is drawn from every DeadLetter reason. */
    static Bad payment(ObjectNode valid, SplittableRandom random) {
        DeadLetterReason reason = DeadLetterReason.values()[random.nextInt(DeadLetterReason.values().length)];
        ObjectNode o = valid.deepCopy();
        return switch (reason) {
            case MALFORMED_JSON -> malformedJson(o, random);
            case MISSING_FIELD -> {
                String field = pick(random, "paymentId", "orderId", "amountCents", "status", "ts");
                yield json(missing(o, field, random), MISSING_FIELD);
            }
            case INVALID_VALUE -> {
                switch (random.nextInt(5)) {
                    case 0 -> o.put("amountCents", -1 - random.nextInt(1000));
                    case 1 -> o.put("amountCents", "12.50");
                    case 2 -> o.put("ts", YEAR_2150);
                    case 3 -> o.put("amountCents", Fields.MAX_CENTS + 1 + random.nextInt(1000));
                    default -> o.put("paymentId", 4711);
                }
                yield json(o, INVALID_VALUE);
            }
            case UNKNOWN_TYPE -> {
                o.put("status", pick(random, "REFUNDED", "captured", "PENDING"));
                yield json(o, UNKNOWN_TYPE);
            }
            default -> common(o, reason);
        };
    }

    /**
     * An invalid product version, written with the valid one's key: one field missing, of the wrong
     * type or out of range, an id other than the key, or broken JSON.
     */
    static Bad product(ObjectNode valid, SplittableRandom random) {
        ObjectNode o = valid.deepCopy();
        return switch (random.nextInt(3)) {
            case 0 -> json(missing(o, pick(random, "name", "category", "priceCents"), random), MISSING_FIELD);
            case 1 -> {
                switch (random.nextInt(4)) {
                    case 0 -> o.put("priceCents", -100);
                    case 1 -> o.put("priceCents", "19.99");
                    case 2 -> o.put("priceCents", Fields.MAX_CENTS + 1);
                    default -> o.put("productId", o.path("productId").asText() + "-copy");
                }
                yield json(o, INVALID_VALUE);
            }
            default -> truncated(o, random);
        };
    }

    /**
     * An invalid customer version, written with the valid one's key: one field missing or of the
     * wrong type, an id other than the key, or broken JSON.
     */
    static Bad customer(ObjectNode valid, SplittableRandom random) {
        ObjectNode o = valid.deepCopy();
        return switch (random.nextInt(4)) {
            case 0 -> json(missing(o, pick(random, "country", "segment"), random), MISSING_FIELD);
            case 1 -> {
                o.put("country", 49);
                yield json(o, INVALID_VALUE);
            }
            case 2 -> {
                o.put("customerId", o.path("customerId").asText() + "-copy");
                yield json(o, INVALID_VALUE);
            }
            default -> truncated(o, random);
        };
    }

    private static Bad common(ObjectNode o, DeadLetterReason reason) {
        return switch (reason) {
            case TOO_LARGE -> {
                o.put("comment", "x".repeat(OVERSIZED_PADDING));
                yield json(o, TOO_LARGE);
            }
            case NOT_UTF8 -> {
                // A Latin-1 producer: "ü" becomes the lone byte 0xFC, which is not UTF-8.
                o.put("note", "M\u00fcller");
                yield new Bad(Json.writeString(o).getBytes(StandardCharsets.ISO_8859_1), NOT_UTF8);
            }
            case EMPTY -> new Bad(new byte[0], EMPTY);
            default -> throw new IllegalArgumentException(reason.toString());
        };
    }

    private static Bad malformedJson(ObjectNode o, SplittableRandom random) {
        String text = Json.writeString(o);
        return switch (random.nextInt(5)) {
            case 0, 1 -> truncated(o, random);
            case 2 -> new Bad(bytes("[" + text + "]"), MALFORMED_JSON); // valid JSON, not an object
            case 3 -> new Bad(bytes(text + "}"), MALFORMED_JSON); // trailing garbage
            default -> new Bad(bytes(text.replaceFirst("\"", "'")), MALFORMED_JSON); // bad quote
        };
    }

    private static Bad truncated(ObjectNode o, SplittableRandom random) {
        String text = Json.writeString(o);
        int cut = 1 + random.nextInt(text.length() - 2);
        return new Bad(bytes(text.substring(0, cut)), MALFORMED_JSON);
    }

    /**
     * Removes the field, or sets it to null, an empty or a blank string: all are missing. A number
     * is only removed or set to null, as any string in its place is {@code INVALID_VALUE}.
     */
    private static ObjectNode missing(ObjectNode o, String field, SplittableRandom random) {
        boolean number = o.path(field).isNumber();
        switch (random.nextInt(4)) {
            case 0 -> o.remove(field);
            case 1 -> o.putNull(field);
            case 2 -> {
                if (number) {
                    o.remove(field);
                } else {
                    o.put(field, "");
                }
            }
            default -> {
                if (number) {
                    o.putNull(field);
                } else {
                    o.put(field, "   ");
                }
            }
        }
        return o;
    }

    private static Bad json(ObjectNode o, DeadLetterReason reason) {
        return new Bad(Json.write(o), reason);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String pick(SplittableRandom random, String... options) {
        return options[random.nextInt(options.length)];
    }

    static <T> T pick(SplittableRandom random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
