package dev.mmgcn.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Philox4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
class PhiloxTest {
    private static int[] run(long c0, long c1, long c2, long c3, long k0, long k1) {
        int[] out = new int[4];
        Philox.block((int) c0, (int) c1, (int) c2, (int) c3, (int) k0, (int) k1, out);
        return out;
    }

    private static int[] words(long... w) {
        int[] out = new int[w.length];
        for (int i = 0; i < w.length; i++) out[i] = (int) w[i];
        return out;
    }

    @Test
    void knownAnswers() {
        assertArrayEquals(words(0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L), run(0, 0, 0, 0, 0, 0));
        assertArrayEquals(words(0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL),
                run(0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL));
        assertArrayEquals(words(0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L),
                run(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L, 0xa4093822L, 0x299f31d0L));
    }

    @Test
    void bitsAreTheBlocksFirstTwoWords() {
        long seed = 0x299f31d0a4093822L;
        int[] out = new int[4];
        Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, (int) seed, (int) (seed >>> 32), out);
        assertEquals(((long) out[0] << 32) | (out[1] & 0xFFFFFFFFL), Philox.bits(seed, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344));
    }

    @Test
    void belowIsUniformEnough() {
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[Philox.below(Philox.bits(5, i, 0, 1, 1), 7)]++;
        for (int c : counts) assertTrue(Math.abs(c - 10_000) < 400, "count " + c); // ~4 standard deviations
    }
}
