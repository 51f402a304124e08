package dev.mmgcn.cli;

import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end of a run: the printed table and {@code summary.json}. */
final class Summary {
    private Summary() {
    }

    /** summary.json: the settings, counts of evaluated and skipped users per split, metrics at full precision, null for a split without users. */
    static Map<String, Object> of(Trainer.Result r, TrainConfig tc, RunRecord record, String model) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run_id", record.runId());
        s.put("mmgcn_engine", Version.get());
        s.put("source_revision", Version.record());
        s.put("model", model);
        s.put("best_epoch", r.best().epoch());
        s.put("best_step", r.best().step());
        s.put("steps_per_epoch", r.best().steps());
        s.put("best_global_step", r.best().globalStep());
        s.put("eval_every", r.evalEvery());
        s.put("valid_metric", tc.validMetric());
        s.put("epochs_run", r.history().size());
        s.put("stopped_early", r.stoppedEarly());
        s.put("still_improving", r.stillImproving(tc.patience()));
        Map<String, Object> users = new LinkedHashMap<>();
        users.put("valid", counts(r.validUsers(), r.validSkipped()));
        users.put("test", counts(r.testUsers(), r.testSkipped()));
        s.put("users", users);
        s.put("valid", metrics(r.best().valid(), r.validUsers()));
        s.put("test", metrics(r.best().test(), r.testUsers()));
        s.put("item_only_valid", metrics(r.best().itemOnlyValid(), r.validUsers()));
        s.put("popularity_valid", metrics(r.popularityValid(), r.validUsers()));
        s.put("popularity_test", metrics(r.popularityTest(), r.testUsers()));
        s.put("warnings", warnings(r, tc));
        s.put("mean_train_seconds", r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0));
        s.put("mean_eval_seconds", meanValidationSeconds(r));
        s.put("config", record.settings().toMap());
        s.put("defaults", record.defaults());
        return s;
    }

    /**
     * What the console warns about at the end of a run, for summary.json (and the report): the model not above
     * its item-only check at the best step (it learned an item ranking), or not above the popularity ranking.
     */
    static List<String> warnings(Trainer.Result r, TrainConfig tc) {
        List<String> out = new ArrayList<>();
        if (r.validUsers() == 0) return out;
        String m = tc.validMetric();
        double full = r.best().valid().get(m), itemOnly = r.best().itemOnlyValid().get(m);
        if (!(full > itemOnly)) {
            out.add(String.format(Locale.ROOT, "at the best step valid %s is %.4f with each user's representation and %.4f with the mean "
                    + "user's for everyone: the per-user part adds nothing, so the model is a learned item ranking", m, full, itemOnly));
        }
        if (!(full > r.popularityValid().get(m))) out.add(belowPopularity(r, m));
        if (r.stillImproving(tc.patience())) out.add(stillImproving(r, tc));
        return out;
    }

    private static String stillImproving(Trainer.Result r, TrainConfig tc) {
        int run = r.history().size();
        return String.format(Locale.ROOT, "still improving at the budget: the best validation came at epoch %d of %d, fewer than %s before "
                + "the end, so early stopping had not ended the run: raise --epochs (or resume it with a higher --epochs)",
                r.best().epoch(), run, Backend.plural(Math.max(tc.patience(), 1), "epoch"));
    }

    private static String belowPopularity(Trainer.Result r, String m) {
        return String.format(Locale.ROOT, "valid %s %.4f at the best step is not above the popularity ranking's %.4f", m,
                r.best().valid().get(m), r.popularityValid().get(m));
    }

    private static Map<String, Object> counts(int evaluated, int skipped) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("evaluated", evaluated);
        m.put("skipped", skipped);
        return m;
    }

    static Map<String, Double> metrics(RankingMetrics m, int users) {
        return m == null || users == 0 ? null : m.asMap();
    }

    /** Seconds per validation (an epoch may hold several). */
    static double meanValidationSeconds(Trainer.Result r) {
        return r.history().stream().mapToDouble(Trainer.EpochReport::evalSeconds).sum()
                / Math.max(1, r.history().stream().mapToInt(Trainer.EpochReport::validations).sum());
    }

    static void print(PrintStream out, Trainer.Result r, TrainConfig tc, Path checkpoint, String label) {
        Validation best = r.best();
        out.println();
        if (r.stoppedEarly()) {
            out.printf(Locale.ROOT, "stopped early after epoch %d: no valid %s improvement for %s%n",
                    r.history().getLast().epoch(), tc.validMetric(), Backend.plural(tc.patience(), "epoch"));
        }
        if (r.validUsers() > 0) {
            out.printf(Locale.ROOT, "best epoch %d (step %d of %d) by valid %s; the test metrics are from that step (checkpoint %s)%n",
                    best.epoch(), best.step(), best.steps(), tc.validMetric(), checkpoint);
        } else {
            out.printf(Locale.ROOT, "last epoch %d reported (no validation users to select by; checkpoint %s)%n", best.epoch(), checkpoint);
        }
        out.printf(Locale.ROOT, "users evaluated: valid %,d (%,d without valid items skipped), test %,d (%,d skipped)%n",
                r.validUsers(), r.validSkipped(), r.testUsers(), r.testSkipped());
        out.printf("%-14s %14s %14s %12s %12s%n", "metric", label + " valid", label + " test", "pop. valid", "pop. test");
        for (String name : best.valid().asMap().keySet()) {
            out.printf(Locale.ROOT, "%-14s %14s %14s %12s %12s%n", name, cell(best.valid(), r.validUsers(), name),
                    cell(best.test(), r.testUsers(), name), cell(r.popularityValid(), r.validUsers(), name),
                    cell(r.popularityTest(), r.testUsers(), name));
        }
        if (r.validUsers() > 0) {
            String m = tc.validMetric();
            double full = best.valid().get(m), itemOnly = best.itemOnlyValid().get(m);
            out.printf(Locale.ROOT, "personalisation at the best step: valid %s %.4f with each user's representation, %.4f with the mean%n"
                    + "user's for everyone (the model's item score alone)%s%n", m, full, itemOnly,
                    full > itemOnly ? "" : "; the per-user part adds nothing here, so the model is a learned item ranking");
            if (!(full > r.popularityValid().get(m))) out.println("warning: " + belowPopularity(r, m));
            if (r.stillImproving(tc.patience())) out.println("warning: " + stillImproving(r, tc));
        }
        double mean = r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0);
        out.printf(Locale.ROOT, "time: %.2f s per training epoch, %.2f s per validation (mean of %s)%n", mean, meanValidationSeconds(r),
                Backend.plural(r.history().size(), "epoch"));
    }

    private static String cell(RankingMetrics m, int users, String name) {
        return m == null || users == 0 ? "-" : String.format(Locale.ROOT, "%.4f", m.get(name));
    }
}
