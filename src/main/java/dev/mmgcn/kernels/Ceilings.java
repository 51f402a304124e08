package dev.mmgcn.kernels;

import java.util.Locale;

/**
 * What the machine under a backend can do at most, measured by short probes: the multiply-add rate of
 * its vector units on every thread the backend uses, and the rate at which those threads stream memory
 * that does not fit in cache. A roofline: a kernel that does F flops over B bytes can at best take
 * max(F / {@link #gflops}, B / {@link #gbPerSecond}).
 *
 * @param gflops       peak FP32 GFLOP/s (an FMA counts 2)
 * @param gbPerSecond  streaming bandwidth, GB/s (10⁹ bytes), reads and writes counted
 * @param how          how they were measured, for the report
 */
public record Ceilings(double gflops, double gbPerSecond, String how) {

    /** The fastest a kernel of this work can run here, in seconds. */
    public double floorSeconds(double flops, double bytes) {
        return Math.max(flops / (gflops * 1e9), bytes / (gbPerSecond * 1e9));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f GFLOP/s, %.1f GB/s (%s)", gflops, gbPerSecond, how);
    }
}
