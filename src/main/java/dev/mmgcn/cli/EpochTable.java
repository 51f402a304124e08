package dev.mmgcn.cli;

import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The per-epoch lines: a header naming the columns once, then one row per epoch that stays within 120
 * columns for any epoch count and metric name — loss, training and evaluation seconds, the validation
 * metric and NDCG at its K, the item-only check, and the test metrics at epochs that improved validation.
 * Every validation inside an epoch gets its own row, its epoch cell "E.S/N" (epoch E, step S).
 */
final class EpochTable {
    static final int MAX_WIDTH = 120;
    private final String metric;
    private final String ndcg;
    private final int epochs;
    private final boolean validation;
    private final int epochWidth;
    private final int m;
    private final int n;

    EpochTable(String metric, int epochs, boolean validation) {
        this.metric = metric;
        this.ndcg = "ndcg@" + metric.substring(metric.indexOf('@') + 1);
        this.epochs = epochs;
        this.validation = validation;
        this.epochWidth = Math.max(5, 2 * Integer.toString(epochs).length() + 1);
        this.m = Math.max(6, metric.length());
        this.n = Math.max(6, ndcg.length());
    }

    void printHeader(PrintStream out) {
        out.println();
        out.println(String.format(Locale.ROOT, "%-" + epochWidth + "s %8s %8s %7s | valid %" + m + "s %" + n + "s %9s | test %" + m + "s %" + n + "s",
                "epoch", "loss", "train s", "eval s", metric, ndcg, "item-only", metric, ndcg).stripTrailing());
    }

    String row(Trainer.EpochReport r) {
        String e = r.epoch() + "/" + epochs;
        String valid = validation && r.valid().users() > 0
                ? String.format(Locale.ROOT, "%" + m + ".4f %" + n + ".4f %9.4f", r.valid().get(metric), r.valid().get(ndcg), r.itemOnlyValid().get(metric))
                : String.format(Locale.ROOT, "%" + m + "s %" + n + "s %9s", "-", "-", "-");
        String test = r.test() != null && r.test().users() > 0
                ? String.format(Locale.ROOT, "%" + m + ".4f %" + n + ".4f", r.test().get(metric), r.test().get(ndcg))
                : String.format(Locale.ROOT, "%" + m + "s %" + n + "s", "", "");
        String s = String.format(Locale.ROOT, "%" + epochWidth + "s %8s %8.1f %7.2f |       %s |      %s%s", e, loss(r.loss()), r.trainSeconds(),
                r.evalSeconds(), valid, test, r.best() && Double.isFinite(r.loss()) ? " *" : "");
        return s.stripTrailing();
    }

    /** A validation inside an epoch: its mean loss so far, no training seconds, this validation's seconds; test and "*" at a new best. */
    String row(Validation v, double meanLoss) {
        String e = v.epoch() + "." + v.step() + "/" + epochs;
        String valid = v.valid().users() == 0
                ? String.format(Locale.ROOT, "%" + m + "s %" + n + "s %9s", "-", "-", "-")
                : String.format(Locale.ROOT, "%" + m + ".4f %" + n + ".4f %9s", v.valid().get(metric), v.valid().get(ndcg),
                v.itemOnlyValid() == null ? "-" : String.format(Locale.ROOT, "%.4f", v.itemOnlyValid().get(metric)));
        String test = v.test() == null || v.test().users() == 0 ? ""
                : String.format(Locale.ROOT, "%" + m + ".4f %" + n + ".4f", v.test().get(metric), v.test().get(ndcg));
        String s = String.format(Locale.ROOT, "%" + epochWidth + "s %8s %8s %7.2f |       %s |      %s%s", e, loss(meanLoss), "",
                v.evalSeconds(), valid, test, v.best() ? " *" : "");
        return s.stripTrailing();
    }

    /**
     * A loss in the column's 8 characters: 4 decimals while they fit (below 1,000), else 3 significant digits
     * with an exponent (2 for a negative one) ({@code --reg 1e30} once printed a 36-character loss that broke the table).
     */
    static String loss(double v) {
        if (!Double.isFinite(v) || Math.abs(v) < 999.99995) return String.format(Locale.ROOT, "%.4f", v);
        for (int digits = 2; digits > 0; digits--) { // fewer digits for a sign or a three-digit exponent
            String e = String.format(Locale.ROOT, "%." + digits + "e", v);
            if (e.length() <= 8) return e;
        }
        return String.format(Locale.ROOT, "%.0e", v);
    }

    void print(PrintStream out, Trainer.EpochReport r) {
        out.println(row(r));
    }

    void print(PrintStream out, Validation v, double meanLoss) {
        out.println(row(v, meanLoss));
    }
}
