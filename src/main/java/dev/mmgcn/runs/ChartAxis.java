package dev.mmgcn.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A chart axis with round ticks: the step is 1, 2 or 5 times a power of ten, the axis runs from a multiple
 * of the step at or below the data to one at or above it, and every tick is labelled with as many decimals
 * as the step needs (0.05 → "0.15", 2 → "14"). An integer axis (epochs) never steps below 1.
 *
 * @param min   the axis's lower end (a tick)
 * @param max   its upper end (a tick)
 * @param step  the distance between ticks
 */
public record ChartAxis(double min, double max, double step) {
    /** An axis over [lo, hi] with about {@code ticks} ticks. */
    public static ChartAxis of(double lo, double hi, int ticks, boolean integer) {
        if (!(hi > lo)) { // one value: a range around it
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = nice((hi - lo) / Math.max(1, ticks - 1));
        if (integer) step = Math.max(1, step);
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        if (max <= min) max = min + step;
        return new ChartAxis(round(min, step), round(max, step), step);
    }

    /** 1, 2 or 5 × 10^k, the smallest at or above {@code raw}. */
    static double nice(double raw) {
        double exp = Math.floor(StrictMath.log10(raw));
        double base = StrictMath.pow(10, exp);
        double f = raw / base;
        double n = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
        return n * base;
    }

    /** The ticks from min to max, one step apart. */
    public List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        long n = Math.round((max - min) / step);
        for (long i = 0; i <= n; i++) out.add(round(min + i * step, step));
        return out;
    }

    /** Decimals the step needs. */
    public int decimals() {
        return Math.max(0, (int) Math.ceil(-StrictMath.log10(step) - 1e-9));
    }

    public String label(double v) {
        String s = String.format(Locale.ROOT, "%." + decimals() + "f", v);
        return s.matches("-0(\\.0*)?") ? s.substring(1) : s;
    }

    /** {@code v} without the binary fraction noise of repeated steps (0.30000000000000004 → 0.3). */
    private static double round(double v, double step) {
        double scale = StrictMath.pow(10, Math.max(0, Math.ceil(-StrictMath.log10(step))) + 2);
        return Math.round(v * scale) / scale;
    }
}
