package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.Popularity;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.DataShape;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Keys;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code evaluate}: rebuild the model from a checkpoint, recompute its representations and rank a split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Evaluates a trained model by full ranking on the valid or test split. The dataset is the one recorded",
                "in the checkpoint unless data options are given (e.g. --data NEW when the data folder has moved)."},
        footer = {"", Main.EXIT_CODES})
final class EvaluateCommand extends DataCommand implements Callable<Integer> {
    private static final Key<String> SPLIT = Keys.choice("split", Key.Group.TRAINING, "SPLIT", "test", List.of("valid", "test"), "");
    private static final Key<int[]> KS = Keys.cutoffs("ks", Key.Group.TRAINING, RankingMetrics.DEFAULT_KS, "");

    @Option(names = "--split", paramLabel = "SPLIT", order = 2, description = "valid | test (default test)")
    String split;

    @Option(names = "--ks", paramLabel = "LIST", order = 3, description = "cut-offs, e.g. 10,20,50 (default 10,20,50)")
    String ks;

    @Override
    public Integer call() {
        PrintStream out = top.out;
        String splitName = parse(SPLIT, split);
        int[] cutoffs = parse(KS, ks);
        Checkpoint ck = CheckpointFile.read(checkpoint);
        ModelConfig mc = CheckpointFile.model(ck);
        Settings s = settings(ck);
        DataLoading.Plan plan = DataLoading.check(dev.mmgcn.settings.DataSpec.of(s), s);
        Kernels kernels = Backend.open(s.get(TrainSettings.DEVICE), s.get(TrainSettings.THREADS));
        Progress progress = Progress.forStderr(top.err);
        Dataset loaded;
        try {
            progress.startOpen("loading " + DataLoading.name(dev.mmgcn.settings.DataSpec.of(s)), Progress.readDetail(plan.bytes()));
            loaded = dataset(ck, s, top.err);
        } catch (RuntimeException e) {
            progress.close();
            kernels.close();
            throw e;
        } finally {
            progress.finish();
        }
        try {
            checkMemory(loaded, mc, cutoffs);
        } catch (RuntimeException e) {
            progress.close();
            loaded.close();
            kernels.close();
            throw e;
        }
        try (progress;
             Dataset data = loaded;
             RecModel model = Models.create(mc, kernels, data, 0L);
             Tape tape = new Tape(kernels);
             Scope scope = kernels.newScope()) {
            try {
                ck.restore(model.parameters());
            } catch (IllegalStateException e) {
                throw Failure.data("--checkpoint " + checkpoint + ": " + e.getMessage(), e);
            }
            int[] effective = clamp(cutoffs, data.numItems(), top.err);
            Tensor r = scope.floats(data.numUsers() + data.numItems(), mc.embeddingDim());
            long t0 = System.nanoTime();
            progress.startOpen("evaluating the " + splitName + " split", null);
            model.computeRepresentation(tape, r);
            Interactions target = splitName.equals("test") ? data.test() : data.valid();
            try (Evaluator ev = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), target, effective)) {
                RankingMetrics m = ev.evaluate(r.rowSlice(0, data.numUsers()), r.rowSlice(data.numUsers(), r.rows()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.finish();
                out.println("backend  " + Backend.describe(kernels));
                out.println("data     " + data.summary());
                out.printf(Locale.ROOT, "%s split: %,d users evaluated, %,d without %s items skipped; %.2f s%n", splitName, m.users(),
                        m.skipped(), splitName, seconds);
                if (m.users() == 0) {
                    out.println("no user has " + splitName + " items: there is nothing to evaluate");
                    return 0;
                }
                RankingMetrics pop = Popularity.evaluate(kernels, ev, data.numUsers(), data.numItems(), data.train());
                out.printf("%-14s %12s %12s%n", "metric", mc.label(), "popularity");
                for (Map.Entry<String, Double> e : m.asMap().entrySet()) {
                    out.printf(Locale.ROOT, "%-14s %12.4f %12.4f%n", e.getKey(), e.getValue(), pop.get(e.getKey()));
                }
            }
        } finally {
            kernels.close();
        }
        return 0;
    }

    /** Before the model is built: the rebuilt model, its representation and the ranking must fit (a header's model.dim decides its size). */
    private void checkMemory(Dataset data, ModelConfig mc, int[] cutoffs) {
        DataShape shape = DataShape.of(data);
        long checkpointBytes;
        try {
            checkpointBytes = java.nio.file.Files.size(checkpoint);
        } catch (java.io.IOException e) {
            checkpointBytes = 0;
        }
        MemoryBudget.Estimate e = LoadBudget.evaluation(shape, mc, java.util.Arrays.stream(cutoffs).max().orElse(50), checkpointBytes);
        String warning = MemoryBudget.check(e, MemoryBudget.Limits.current(), "the model the checkpoint describes (model.dim "
                + mc.embeddingDim() + ") needs a machine with more memory");
        if (warning != null) top.err.println(warning);
    }

    /** Cut-offs above the item count are evaluated as the item count, and said so. */
    static int[] clamp(int[] ks, int items, PrintStream log) {
        int[] above = java.util.Arrays.stream(ks).filter(k -> k > items).toArray();
        if (above.length == 0) return ks;
        log.printf(Locale.ROOT, "note: --ks %s %s more than the %,d items: clamped to %d%n",
                String.join(",", java.util.Arrays.stream(above).mapToObj(Integer::toString).toList()), above.length == 1 ? "is" : "are", items, items);
        return java.util.Arrays.stream(ks).map(k -> Math.min(k, items)).distinct().toArray();
    }

    static <T> T parse(Key<T> key, String raw) {
        if (raw == null) return key.fallback();
        try {
            return key.parse(raw);
        } catch (IllegalArgumentException e) {
            throw Failure.usage(key.option() + " " + e.getMessage());
        }
    }
}
