package dev.mmgcn.runs;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation (n − 1) of finite values; NaN where there are too few. */
public record Stats(int n, double mean, double std) {
    public static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
        if (v.length == 0) return new Stats(0, Double.NaN, Double.NaN);
        double sum = 0;
        for (double x : v) sum += x;
        double mean = sum / v.length;
        if (v.length == 1) return new Stats(1, mean, Double.NaN);
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return new Stats(v.length, mean, Math.sqrt(ss / (v.length - 1)));
    }

    /** "0.4109" for one value, "0.4109 ± 0.0031" for several, "-" for none. */
    public String text(int digits) {
        if (n == 0) return "-";
        String f = "%." + digits + "f";
        String m = String.format(Locale.ROOT, f, mean);
        return n == 1 ? m : m + " ± " + String.format(Locale.ROOT, f, std);
    }

    /** Full precision for files; empty for none. */
    public static String full(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }
}
