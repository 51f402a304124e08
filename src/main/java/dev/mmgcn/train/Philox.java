package dev.mmgcn.train;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * counter-based generator. Its output is a pure function of a 128-bit counter and a 64-bit key, so any
 * draw can be made in any order, on any thread or on a GPU, and comes out the same; curand and JAX use
 * the same construction. The training plan keys it by the seed and counts by (index, attempt, epoch,
 * stream), which is what makes an epoch's shuffle and negatives a function of (seed, epoch) alone.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;

    private Philox() {
    }

    /** The four output words for counter {@code c0..c3} and key {@code k0, k1}, written into {@code out}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /**
     * 64 random bits: the first two output words of the block at counter (index, attempt, epoch, stream)
     * under key {@code seed}, as {@code out[0] << 32 | out[1]}.
     */
    public static long bits(long seed, int index, int attempt, int epoch, int stream) {
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        int c0 = index, c1 = attempt, c2 = epoch, c3 = stream;
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        return ((long) c0 << 32) | (c1 & 0xFFFFFFFFL);
    }

    /** An integer uniform in [0, bound) from 64 random bits; the modulo's bias is below bound / 2⁶⁴. */
    public static int below(long bits, int bound) {
        return (int) Long.remainderUnsigned(bits, bound);
    }
}
