package io.shopstream.common.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The UTF-8 check accepts exactly the bytes that the JDK's reporting decoder accepts. */
class Utf8Test {

    /** Third bytes around every boundary that matters after a lead byte. */
    private static final int[] TRAILING = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};

    /** Fourth bytes after a four-byte lead: a continuation byte at either end, and two that are not. */
    private static final int[] LAST = {0x41, 0x80, 0xBF, 0xC0};

    @Test
    void everyOneAndTwoByteSequence() {
        for (int a = 0; a < 256; a++) {
            check(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                check(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    @Test
    void everyLeadAndSecondByteOfThreeAndFourByteSequences() {
        for (int lead = 0x80; lead < 256; lead++) {
            for (int second = 0; second < 256; second++) {
                for (int third : TRAILING) {
                    check(new byte[] {(byte) lead, (byte) second, (byte) third});
                    if (lead < 0xF0) {
                        continue;
                    }
                    for (int fourth : LAST) {
                        check(new byte[] {(byte) lead, (byte) second, (byte) third, (byte) fourth});
                    }
                }
            }
        }
    }

    @Test
    void sequencesInsideText() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = ("{\"name\":\"M\u00fcller \u20ac \ud83d\ude00\"}").getBytes(StandardCharsets.UTF_8);
            int changes = 1 + random.nextInt(3);
            for (int c = 0; c < changes; c++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            check(bytes);
        }
    }

    private final CharsetDecoder jdk = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private void check(byte[] bytes) {
        boolean accepted = Utf8.isWellFormed(bytes);
        if (accepted != jdkAccepts(bytes)) {
            assertThat(accepted).as(HexFormat.ofDelimiter(" ").formatHex(bytes)).isEqualTo(!accepted);
        }
    }

    private boolean jdkAccepts(byte[] bytes) {
        try {
            jdk.reset().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
