package io.shopstream.common.json;

/**
 * Checks that bytes are well-formed UTF-8 (Unicode's Table 3-7: no overlong forms, no encoded
 * surrogates, nothing beyond U+10FFFF), the same bytes that the JDK's decoder rejects when it
 * reports errors, without decoding them.
 */
final class Utf8 {

    /** EF BB BF, the UTF-8 encoding of U+FEFF. */
    static final int BYTE_ORDER_MARK_LENGTH = 3;

    private Utf8() {}

    /** Whether the bytes hold a UTF-8 byte order mark at {@code from}: a 3-byte prefix test. */
    static boolean startsWithByteOrderMark(byte[] bytes, int from) {
        return bytes.length - from >= BYTE_ORDER_MARK_LENGTH
                && bytes[from] == (byte) 0xEF && bytes[from + 1] == (byte) 0xBB && bytes[from + 2] == (byte) 0xBF;
    }

    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int lead = b & 0xFF;
            if (lead < 0xC2) {
                return false; // a continuation byte, or the lead of an overlong two-byte form
            }
            if (lead < 0xE0) {
                if (i + 1 >= n || !isContinuation(bytes[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (lead < 0xF0) {
                if (i + 2 >= n) {
                    return false;
                }
                int second = bytes[i + 1] & 0xFF;
                if (!isContinuation(bytes[i + 1]) || !isContinuation(bytes[i + 2])
                        || (lead == 0xE0 && second < 0xA0) // overlong
                        || (lead == 0xED && second > 0x9F)) { // a surrogate, U+D800..U+DFFF
                    return false;
                }
                i += 3;
            } else if (lead < 0xF5) {
                if (i + 3 >= n) {
                    return false;
                }
                int second = bytes[i + 1] & 0xFF;
                if (!isContinuation(bytes[i + 1]) || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])
                        || (lead == 0xF0 && second < 0x90) // overlong
                        || (lead == 0xF4 && second > 0x8F)) { // beyond U+10FFFF
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
