package dev.mmgcn.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparisons that name the first offending element; NaN matches NaN. */
final class Compare {
    private Compare() {
    }

    /** Passes when |got − ref| ≤ rel·|ref| + abs for every element. */
    static void close(String what, float[] ref, float[] got, double rel, double abs) {
        assertEquals(ref.length, got.length, what + ": lengths differ");
        int bad = 0;
        int first = -1;
        for (int i = 0; i < ref.length; i++) {
            float r = ref[i];
            float g = got[i];
            boolean ok = Float.isNaN(r) ? Float.isNaN(g)
                    : Float.isInfinite(r) ? r == g
                    : Math.abs((double) g - r) <= rel * Math.abs(r) + abs;
            if (!ok) {
                if (first < 0) first = i;
                bad++;
            }
        }
        if (bad > 0) {
            fail(what + ": " + bad + " of " + ref.length + " elements outside |d| <= " + rel + "*|ref| + " + abs
                    + "; first at " + first + ": expected " + ref[first] + ", got " + got[first]);
        }
    }

    /** Equal values: no tolerance at all (−0 matches +0 and NaN matches NaN). */
    static void exact(String what, float[] ref, float[] got) {
        close(what, ref, got, 0, 0);
    }

    static void exact(String what, int[] ref, int[] got) {
        assertEquals(ref.length, got.length, what + ": lengths differ");
        for (int i = 0; i < ref.length; i++) {
            if (ref[i] != got[i]) fail(what + ": first difference at " + i + ": expected " + ref[i] + ", got " + got[i]);
        }
    }
}
