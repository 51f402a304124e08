package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.Checkpoint;
import dev.mmgcn.train.NegativeSampler;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** {@code train}: fit MMGCN with BPR, validate every epoch, keep the best checkpoint, report test metrics at the best epoch. */
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
                .option("reg", "X", "L2 weight on the batch's embeddings (default " + d.regWeight() + ")")
                .option("weight-decay", "X", "decoupled weight decay on all parameters (default 0)")
                .option("seed", "N", "seed for initialisation, shuffling and negatives (default " + d.seed() + ")")
                .option("patience", "N", "stop after N epochs without validation improvement; 0 = never (default " + d.patience() + ")")
                .option("metric", "M@K", "early-stopping metric (default " + d.validMetric() + ")")
                .option("ks", "LIST", "cut-offs to report (default 10,20,50)")
                .option("negatives", "POOL", "draw negatives from all items, or train-items only (MMRec's protocol) (default all)")
                .option("device", "DEV", "cpu | cuda | auto | scalar | vector (default cpu)")
                .option("threads", "N", "CPU worker threads (default: all cores)")
                .option("out", "DIR", "output folder for metrics.jsonl and best.ckpt (default runs/<data>-<time>)")
                .flag("help", "show this help");
    }

    static TrainConfig parseTrainConfig(Args a) {
        TrainConfig d = TrainConfig.defaults();
        try {
            return new TrainConfig(a.getInt("epochs", d.epochs()), a.getInt("batch", d.batchSize()), a.getFloat("lr", d.learningRate()),
                    a.getFloat("reg", d.regWeight()), a.getFloat("weight-decay", d.weightDecay()), a.getLong("seed", d.seed()),
                    a.getInt("patience", d.patience()), a.get("metric", d.validMetric()), a.getIntList("ks", d.ks()),
                    negativePool(a.get("negatives", "all")));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = options().parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine train [options]\n\nTrains MMGCN (on the built-in synthetic data unless --data is given).\n\n" + a.help());
            return 0;
        }
        if (!a.positional().isEmpty()) throw new Args.UsageException("train takes no positional arguments: " + a.positional());
        TrainConfig tc = parseTrainConfig(a);
        MmgcnConfig mc = ModelOptions.parse(a);
        Kernels kernels = Main.kernels(a);
        Path outDir;
        try (Dataset data = DataOptions.load(a)) {
            outDir = Path.of(a.get("out", "runs/" + data.name() + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            Files.createDirectories(outDir);
            out.println("backend  " + Main.describe(kernels));
            out.println("data     " + data.summary());
            try (Mmgcn model = new Mmgcn(mc, kernels, data.numUsers(), data.numItems(), data.modalities(), data.train(), tc.seed())) {
                out.printf(Locale.ROOT, "model    MMGCN %d layers, width %d, %s aggregation, %s combination, %s fusion, id embedding %s; %,d parameters%n",
                        mc.layers(), mc.embeddingDim(), lower(mc.aggregation()), lower(mc.combination()), lower(mc.fusion()),
                        mc.idEmbedding() ? "on" : "off", model.parameters().count());
                out.printf(Locale.ROOT, "train    %d epochs max, batch %d, Adam lr %s, reg %s, weight decay %s, negatives from %s, seed %d, early stop on valid %s (patience %d)%n",
                        tc.epochs(), tc.batchSize(), tc.learningRate(), tc.regWeight(), tc.weightDecay(),
                        tc.negatives() == NegativeSampler.Pool.ALL ? "all items" : "train items", tc.seed(), tc.validMetric(), tc.patience());
                out.println("differs  from the public MMGCN code: user preferences and id embeddings are trained; the layer count is a setting;");
                out.println("         BPR uses a stable softplus; evaluation masks training items with -inf and scores with representations");
                out.println("         recomputed after each epoch, not those of the last training batch.");
                out.println("output   " + outDir);

                Properties header = new Properties();
                header.putAll(DataOptions.record(a));
                ModelOptions.record(mc, header);
                header.setProperty("train.seed", Long.toString(tc.seed()));
                header.setProperty("data.users", Integer.toString(data.numUsers()));
                header.setProperty("data.items", Integer.toString(data.numItems()));
                header.setProperty("data.dataset", data.name());
                header.setProperty("data.used_modalities", String.join(",", data.modalityNames()));
                Path ckpt = outDir.resolve("best.ckpt");
                TrainingRecord record = TrainingRecord.of(data); // fingerprint, id maps, seen items: once, not per checkpoint

                try (Trainer trainer = new Trainer(model, data, tc, kernels);
                     Writer jsonl = Files.newBufferedWriter(outDir.resolve("metrics.jsonl"))) {
                    String metric = tc.validMetric();
                    String ndcg = "ndcg@" + metric.substring(metric.indexOf('@') + 1);
                    ProgressBar bar = ProgressBar.forStderr();
                    Trainer.Listener listener = new Trainer.Listener() {
                        @Override
                        public void batchDone(int epoch, int batch, int batches, double meanLoss) {
                            bar.update(String.format(Locale.ROOT, "epoch %3d", epoch), batch, batches,
                                    String.format(Locale.ROOT, "loss %.4f", meanLoss));
                        }

                        @Override
                        public void epochDone(Trainer.EpochReport r) {
                            bar.clear();
                            String test = r.test() == null ? "" : String.format(Locale.ROOT, " | test %s %.4f %s %.4f",
                                    metric, r.test().get(metric), ndcg, r.test().get(ndcg));
                            out.printf(Locale.ROOT, "epoch %3d/%d  loss %.4f  train %.1fs eval %.1fs | valid %s %.4f %s %.4f (item-only %.4f)%s%s%n",
                                    r.epoch(), tc.epochs(), r.loss(), r.trainSeconds(), r.evalSeconds(), metric, r.valid().get(metric),
                                    ndcg, r.valid().get(ndcg), r.itemOnlyValid().get(metric), test, r.best() ? "  *best" : "");
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("epoch", r.epoch());
                            line.put("loss", r.loss());
                            line.put("train_seconds", r.trainSeconds());
                            line.put("eval_seconds", r.evalSeconds());
                            line.put("best", r.best());
                            line.put("valid", r.valid().asMap());
                            line.put("test", r.test() == null ? null : r.test().asMap());
                            line.put("item_only_valid", r.itemOnlyValid().asMap());
                            try {
                                jsonl.write(Json.of(line));
                                jsonl.write('\n');
                                jsonl.flush();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }
                    };
                    Trainer.BestModelSink sink = (r, m, rep) -> {
                        Properties h = new Properties();
                        h.putAll(header);
                        h.setProperty("train.best_epoch", Integer.toString(r.epoch()));
                        r.valid().asMap().forEach((k, v) -> h.setProperty("valid." + k, Double.toString(v)));
                        r.test().asMap().forEach((k, v) -> h.setProperty("test." + k, Double.toString(v)));
                        try {
                            Checkpoint.capture(m.parameters(), rep, h, record).write(ckpt);
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write checkpoint " + ckpt + ": " + e.getMessage(), e);
                        }
                    };
                    if (!trainer.hasValidation()) {
                        out.println("note     the data has no validation interactions: no early stopping, and the last epoch is reported");
                    }
                    Trainer.Result result = trainer.fit(listener, sink);
                    printSummary(out, result, tc, outDir);
                    writeSummary(outDir.resolve("summary.json"), result, tc);
                }
            }
        } finally {
            kernels.close();
        }
        return 0;
    }

    private static void printSummary(PrintStream out, Trainer.Result r, TrainConfig tc, Path outDir) {
        Trainer.EpochReport best = r.best();
        out.println();
        if (r.stoppedEarly()) {
            out.printf(Locale.ROOT, "stopped early after epoch %d: no valid %s improvement for %d epochs%n",
                    r.history().get(r.history().size() - 1).epoch(), tc.validMetric(), tc.patience());
        }
        out.printf(Locale.ROOT, "best epoch %d by valid %s; the test metrics are from that epoch (checkpoint %s)%n",
                best.epoch(), tc.validMetric(), outDir.resolve("best.ckpt"));
        out.printf(Locale.ROOT, "evaluated users: valid %,d (%,d without valid items skipped), test %,d (%,d skipped)%n",
                r.validUsers(), r.validSkipped(), r.testUsers(), r.testSkipped());
        out.printf("%-14s %12s %12s %12s %12s%n", "metric", "MMGCN valid", "MMGCN test", "pop. valid", "pop. test");
        for (Map.Entry<String, Double> e : best.valid().asMap().entrySet()) {
            String k = e.getKey();
            out.printf(Locale.ROOT, "%-14s %12.4f %12.4f %12.4f %12.4f%n", k, e.getValue(), best.test().get(k),
                    r.popularityValid().get(k), r.popularityTest().get(k));
        }
        String m = tc.validMetric();
        double full = best.valid().get(m), itemOnly = best.itemOnlyValid().get(m);
        if (r.validUsers() > 0) out.printf(Locale.ROOT, "personalisation at the best epoch: valid %s %.4f with each user's representation, %.4f with the mean%n"
                + "user's for everyone (the model's item score alone)%s%n", m, full, itemOnly,
                full > itemOnly ? "" : "; the per-user part adds nothing here, so the model is a learned item ranking");
        double mean = r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0);
        double eval = r.history().stream().mapToDouble(Trainer.EpochReport::evalSeconds).average().orElse(0);
        out.printf(Locale.ROOT, "time: %.2f s per training epoch, %.2f s per evaluation (mean of %d epochs)%n", mean, eval, r.history().size());
    }

    private static void writeSummary(Path file, Trainer.Result r, TrainConfig tc) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("best_epoch", r.best().epoch());
        s.put("valid_metric", tc.validMetric());
        s.put("epochs_run", r.history().size());
        s.put("stopped_early", r.stoppedEarly());
        s.put("valid", r.best().valid().asMap());
        s.put("test", r.best().test().asMap());
        s.put("item_only_valid", r.best().itemOnlyValid().asMap());
        s.put("popularity_valid", r.popularityValid().asMap());
        s.put("popularity_test", r.popularityTest().asMap());
        s.put("mean_train_seconds", r.history().stream().mapToDouble(Trainer.EpochReport::trainSeconds).average().orElse(0));
        s.put("mean_eval_seconds", r.history().stream().mapToDouble(Trainer.EpochReport::evalSeconds).average().orElse(0));
        Files.writeString(file, Json.of(s) + "\n");
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
