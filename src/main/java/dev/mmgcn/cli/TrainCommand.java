package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.FreedomConfig;
import dev.mmgcn.model.LightGcnConfig;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.NegativeSampler;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.Validation;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** {@code train}: fit a model with BPR, validate during and after every epoch, keep the best checkpoint, report test metrics at the best validated step. */
final class TrainCommand {
    private TrainCommand() {
    }

    static Args options() {
        TrainConfig d = TrainConfig.defaults();
        Args a = new Args("train");
        DataOptions.declare(a);
        ModelOptions.declare(a);
        return a.option("epochs", "N", "maximum epochs (default " + d.epochs() + ")")
                .option("batch", "N", "BPR triples per step (default " + d.batchSize() + ")")
                .option("lr", "X", "Adam learning rate (default " + d.learningRate() + ")")
                .option("reg", "X", "L2 weight on the batch's embeddings (default " + d.regWeight() + "; 0 for freedom, as its reference)")
                .option("weight-decay", "X", "decoupled weight decay on all parameters (default 0)")
                .option("seed", "N", "seed for initialisation, shuffling and negatives (default " + d.seed() + ")")
                .option("patience", "N", "stop after N epochs without validation improvement; 0 = never (default " + d.patience() + ")")
                .option("metric", "M@K", "early-stopping metric (default " + d.validMetric() + ")")
                .option("eval-every", "STEPS", "also validate every STEPS training steps inside an epoch (default: up to 10 times "
                        + "per epoch on small data, once on large)")
                .option("ks", "LIST", "cut-offs to report (default 10,20,50)")
                .option("negatives", "POOL", "draw negatives from all items, or train-items only (MMRec's protocol) (default all)")
                .option("device", "DEV", "cpu | cuda | auto | scalar | vector (default cpu)")
                .option("threads", "N", "CPU worker threads (default: all cores)")
                .option("out", "DIR", "output folder for metrics.jsonl and best.ckpt (default runs/<data>-<time>)")
                .flag("help", "show this help");
    }

    static TrainConfig parseTrainConfig(Args a, ModelConfig model) {
        TrainConfig d = TrainConfig.defaults();
        try {
            return new TrainConfig(a.getInt("epochs", d.epochs()), a.getInt("batch", d.batchSize()), a.getFloat("lr", d.learningRate()),
                    a.getFloat("reg", ModelOptions.defaultReg(model, d.regWeight())), a.getFloat("weight-decay", d.weightDecay()),
                    a.getLong("seed", d.seed()), a.getInt("patience", d.patience()), a.get("metric", d.validMetric()),
                    a.getIntList("ks", d.ks()), negativePool(a.get("negatives", "all")), a.getInt("eval-every", d.evalEvery()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = options().parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine train [options]\n\nTrains MMGCN, LightGCN or FREEDOM (on the built-in synthetic data unless --data is given).\n\n" + a.help());
            return 0;
        }
        if (!a.positional().isEmpty()) throw new Args.UsageException("train takes no positional arguments: " + a.positional());
        ModelConfig mc = ModelOptions.parse(a);
        TrainConfig tc = parseTrainConfig(a, mc);
        Kernels kernels = Main.kernels(a);
        Path outDir;
        try (Dataset loaded = DataOptions.load(a, !(mc instanceof LightGcnConfig))) {
            Dataset data = loaded;
            List<String> notes = new java.util.ArrayList<>();
            if (mc instanceof FreedomConfig && !loaded.wordModalities().isEmpty()) {
                for (var w : loaded.wordModalities()) {
                    notes.add("note     modality '" + w.name() + "' is a bag of word ids (" + w.vocabulary()
                            + " words); FREEDOM builds its item graph from dense features, so it is left out");
                }
                data = loaded.withoutWordModalities();
            }
            if (mc instanceof LightGcnConfig && !loaded.modalityNames().isEmpty()) {
                notes.add("note     LightGCN uses no item features: " + loaded.modalityNames() + " are not read");
            }
            outDir = Path.of(a.get("out", "runs/" + data.name() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            Files.createDirectories(outDir);
            out.println("backend  " + Main.describe(kernels));
            out.println("data     " + data.summary());
            notes.forEach(out::println);
            try (RecModel model = create(mc, kernels, data, tc.seed())) {
                String label = label(mc);
                out.println("model    " + model.describe());
                out.printf(Locale.ROOT, "train    %d epochs max, batch %d, Adam lr %s, reg %s, weight decay %s, negatives from %s, seed %d, early stop on valid %s (patience %d)%n",
                        tc.epochs(), tc.batchSize(), tc.learningRate(), tc.regWeight(), tc.weightDecay(),
                        tc.negatives() == NegativeSampler.Pool.ALL ? "all items" : "train items", tc.seed(), tc.validMetric(), tc.patience());
                for (String line : differences(mc)) out.println(line);
                out.println("output   " + outDir);

                Properties header = new Properties();
                header.putAll(DataOptions.record(a));
                ModelOptions.record(mc, header);
                header.setProperty("train.seed", Long.toString(tc.seed()));
                header.setProperty("data.users", Integer.toString(data.numUsers()));
                header.setProperty("data.items", Integer.toString(data.numItems()));
                header.setProperty("data.dataset", data.name());
                header.setProperty("data.used_modalities", String.join(",", data.modalityNames()));
                header.setProperty("model.used_modalities", String.join(",", Models.usedModalities(mc, data)));
                Path ckpt = outDir.resolve("best.ckpt");

                try (Trainer trainer = new Trainer(model, data, tc, kernels);
                     Writer jsonl = Files.newBufferedWriter(outDir.resolve("metrics.jsonl"))) {
                    String metric = tc.validMetric();
                    String ndcg = "ndcg@" + metric.substring(metric.indexOf('@') + 1);
                    ProgressBar bar = ProgressBar.forStderr();
                    if (trainer.hasValidation()) {
                        out.printf(Locale.ROOT, "validate every %d steps and at each epoch's end (%d steps per epoch); "
                                + "the best validated step is kept%n", trainer.evalEvery(), trainer.stepsPerEpoch());
                    }
                    Trainer.Listener listener = new Trainer.Listener() {
                        @Override
                        public void batchDone(int epoch, int batch, int batches, double meanLoss) {
                            bar.update(String.format(Locale.ROOT, "epoch %3d", epoch), batch, batches,
                                    String.format(Locale.ROOT, "loss %.4f", meanLoss));
                        }

                        @Override
                        public void validated(Validation v, double meanLoss) {
                            if (v.best()) {
                                bar.clear();
                                out.printf(Locale.ROOT, "  step %3d/%d of epoch %d | valid %s %.4f %s %.4f | test %s %.4f %s %.4f  *best%n",
                                        v.step(), v.steps(), v.epoch(), metric, v.valid().get(metric), ndcg, v.valid().get(ndcg),
                                        metric, v.test().get(metric), ndcg, v.test().get(ndcg));
                            }
                            MetricsLog.write(jsonl, MetricsLog.line(v, meanLoss, null));
                        }

                        @Override
                        public void epochDone(Trainer.EpochReport r) {
                            bar.clear();
                            String test = r.test() == null ? "" : String.format(Locale.ROOT, " | test %s %.4f %s %.4f",
                                    metric, r.test().get(metric), ndcg, r.test().get(ndcg));
                            out.printf(Locale.ROOT, "epoch %3d/%d  loss %.4f  train %.1fs eval %.1fs | valid %s %.4f %s %.4f (item-only %.4f)%s%s%n",
                                    r.epoch(), tc.epochs(), r.loss(), r.trainSeconds(), r.evalSeconds(), metric, r.valid().get(metric),
                                    ndcg, r.valid().get(ndcg), r.itemOnlyValid().get(metric), test, r.best() ? "  *best" : "");
                            MetricsLog.write(jsonl, MetricsLog.line(r.end(), r.loss(), r));
                        }
                    };
                    Trainer.BestModelSink sink = (r, m, rep) -> {
                        Properties h = new Properties();
                        h.putAll(header);
                        h.setProperty("train.best_epoch", Integer.toString(r.epoch()));
                        h.setProperty("train.best_step", Integer.toString(r.step()));
                        h.setProperty("train.best_global_step", Long.toString(r.globalStep()));
                        r.valid().asMap().forEach((k, v) -> h.setProperty("valid." + k, Double.toString(v)));
                        r.test().asMap().forEach((k, v) -> h.setProperty("test." + k, Double.toString(v)));
                        try {
                            Checkpoint.capture(m, rep, h).write(ckpt);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write checkpoint " + ckpt + ": " + e.getMessage(), e);
                        }
                    };
                    if (!trainer.hasValidation()) {
                        out.println("note     the data has no validation interactions: no early stopping, and the last epoch is reported");
                    }
                    Trainer.Result result = trainer.fit(listener, sink);
                    printSummary(out, result, tc, outDir, label);
                    writeSummary(outDir.resolve("summary.json"), result, tc, mc);
                }
            }
        } finally {
            kernels.close();
        }
        return 0;
    }

    /** Builds the model; a dataset that lacks what it needs is a data error, not a crash. */
    private static RecModel create(ModelConfig mc, Kernels kernels, Dataset data, long seed) {
        try {
            return Models.create(mc, kernels, data, seed);
        } catch (IllegalArgumentException e) {
            throw new dev.mmgcn.data.DataException(data.name() + ": " + e.getMessage());
        }
    }

    static String label(ModelConfig mc) {
        return switch (mc) {
            case MmgcnConfig c -> "MMGCN";
            case LightGcnConfig c -> "LightGCN";
            case FreedomConfig c -> "FREEDOM";
        };
    }

    /** What the model does differently from its public reference code, for the train log. */
    private static List<String> differences(ModelConfig mc) {
        return switch (mc) {
            case MmgcnConfig c -> List.of(
                    "differs  from the public MMGCN code: user preferences and id embeddings are trained; the layer count is a setting;",
                    "         BPR uses a stable softplus; evaluation masks training items with -inf and scores with representations",
                    "         recomputed after each epoch, not those of the last training batch.");
            case LightGcnConfig c -> List.of(
                    "follows  MMRec's lightgcn.py; the L2 penalty is squared (reg * sum of squares / batch) where MMRec's EmbLoss takes norms.");
            case FreedomConfig c -> List.of(
                    "follows  enoche/FREEDOM's freedom.py (kNN item graph, degree-sensitive pruning, BPR + feature BPR); BPR as a stable",
                    "         softplus; an item without features has no item-graph neighbours (the reference divides by its zero norm).");
        };
    }

    private static void printSummary(PrintStream out, Trainer.Result r, TrainConfig tc, Path outDir, String label) {
        Validation best = r.best();
        out.println();
        if (r.stoppedEarly()) {
            out.printf(Locale.ROOT, "stopped early after epoch %d: no valid %s improvement for %d epochs%n",
                    r.history().get(r.history().size() - 1).epoch(), tc.validMetric(), tc.patience());
        }
        out.printf(Locale.ROOT, "best: epoch %d, step %d of %d, by valid %s; the test metrics are from that step (checkpoint %s)%n",
                best.epoch(), best.step(), best.steps(), tc.validMetric(), outDir.resolve("best.ckpt"));
        out.printf(Locale.ROOT, "evaluated users: valid %,d (%,d without valid items skipped), test %,d (%,d skipped)%n",
                r.validUsers(), r.validSkipped(), r.testUsers(), r.testSkipped());
        out.printf("%-14s %12s %12s %12s %12s%n", "metric", label + " valid", label + " test", "pop. valid", "pop. test");
        for (Map.Entry<String, Double> e : best.valid().asMap().entrySet()) {
            String k = e.getKey();
            out.printf(Locale.ROOT, "%-14s %12.4f %12.4f %12.4f %12.4f%n", k, e.getValue(), best.test().get(k),
                    r.popularityValid().get(k), r.popularityTest().get(k));
        }
        String m = tc.validMetric();
        double full = best.valid().get(m), itemOnly = best.itemOnlyValid().get(m);
        if (r.validUsers() > 0) out.printf(Locale.ROOT, "personalisation at the best step: valid %s %.4f with each user's representation, %.4f with the mean%n"
                + "user's for everyone (the model's item score alone)%s%n", m, full, itemOnly,
                full > itemOnly ? "" : "; the per-user part adds nothing here, so the model is a learned item ranking");
        double mean = r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0);
        double eval = r.history().stream().mapToDouble(Trainer.EpochReport::evalSeconds).sum()
                / Math.max(1, r.history().stream().mapToInt(Trainer.EpochReport::validations).sum());
        out.printf(Locale.ROOT, "time: %.2f s per training epoch (mean of %d epochs), %.2f s per validation%n", mean, r.history().size(), eval);
    }

    private static void writeSummary(Path file, Trainer.Result r, TrainConfig tc, ModelConfig mc) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", mc.kind());
        s.put("best_epoch", r.best().epoch());
        s.put("best_step", r.best().step());
        s.put("best_global_step", r.best().globalStep());
        s.put("steps_per_epoch", r.best().steps());
        s.put("eval_every", r.evalEvery());
        s.put("valid_metric", tc.validMetric());
        s.put("epochs_run", r.history().size());
        s.put("stopped_early", r.stoppedEarly());
        s.put("valid", r.best().valid().asMap());
        s.put("test", r.best().test().asMap());
        s.put("item_only_valid", r.best().itemOnlyValid().asMap());
        s.put("popularity_valid", r.popularityValid().asMap());
        s.put("popularity_test", r.popularityTest().asMap());
        s.put("mean_train_seconds", r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0));
        s.put("mean_eval_seconds", r.history().stream().mapToDouble(Trainer.EpochReport::evalSeconds).sum()
                / Math.max(1, r.history().stream().mapToInt(Trainer.EpochReport::validations).sum()));
        s.put("seed", tc.seed());
        dev.mmgcn.io.AtomicFile.writeString(file, Json.of(s) + "\n");
    }

    private static NegativeSampler.Pool negativePool(String s) {
        return switch (s) {
            case "all" -> NegativeSampler.Pool.ALL;
            case "train-items" -> NegativeSampler.Pool.TRAIN_ITEMS;
            default -> throw new Args.UsageException("--negatives must be all or train-items, got '" + s + "'");
        };
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

}
