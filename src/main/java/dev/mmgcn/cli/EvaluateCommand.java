package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.Popularity;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.ModelConfig;
import dev.mmgcn.model.Models;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.train.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** {@code evaluate}: rebuild the model from a checkpoint, recompute its representations and rank a split. */
final class EvaluateCommand {
    private EvaluateCommand() {
    }

    static Args options() {
        Args a = new Args("evaluate")
                .option("checkpoint", "FILE", "checkpoint written by train (required)")
                .option("split", "SPLIT", "valid | test (default test)")
                .option("ks", "LIST", "cut-offs (default 10,20,50)")
                .option("device", "DEV", "cpu | cuda | auto | scalar | vector (default cpu)")
                .option("threads", "N", "CPU worker threads")
                .flag("help", "show this help");
        return DataOptions.declare(a);
    }

    static int run(String[] argv, PrintStream out) throws IOException {
        Args a = options().parse(argv);
        if (a.flag("help")) {
            out.println("usage: mmgcn-engine evaluate --checkpoint FILE [options]\n\n"
                    + "Evaluates a trained model by full ranking. The dataset is the one recorded in the checkpoint unless data options are given.\n\n"
                    + a.help());
            return 0;
        }
        String split = a.get("split", "test");
        if (!split.equals("test") && !split.equals("valid")) throw new Args.UsageException("--split must be valid or test, got '" + split + "'");
        int[] ks = a.getIntList("ks", RankingMetrics.DEFAULT_KS);
        Checkpoint ck = CheckpointData.read(a);
        ModelConfig mc = ModelOptions.fromHeader(ck.header());
        Kernels kernels = Main.kernels(a);
        try (Dataset data = CheckpointData.dataset(ck, a, options(), argv);
             RecModel model = Models.create(mc, kernels, data, 0L);
             Tape tape = new Tape(kernels);
             Scope scope = kernels.newScope()) {
            ck.restore(model);
            Tensor r = scope.floats(data.numUsers() + data.numItems(), mc.embeddingDim());
            long t0 = System.nanoTime();
            model.computeRepresentation(tape, r);
            Interactions target = split.equals("test") ? data.test() : data.valid();
            try (Evaluator ev = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), target, ks)) {
                RankingMetrics m = ev.evaluate(r.rowSlice(0, data.numUsers()), r.rowSlice(data.numUsers(), r.rows()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                RankingMetrics pop = Popularity.evaluate(kernels, ev, data.numUsers(), data.numItems(), data.train());
                out.println("backend  " + Main.describe(kernels));
                out.println("data     " + data.summary());
                out.printf(Locale.ROOT, "%s split: %,d users evaluated, %,d without %s items skipped; %.2f s%n", split, m.users(), m.skipped(), split, seconds);
                        out.printf("%-14s %12s %12s%n", "metric", TrainCommand.label(mc), "popularity");
                for (Map.Entry<String, Double> e : m.asMap().entrySet()) {
                    out.printf(Locale.ROOT, "%-14s %12.4f %12.4f%n", e.getKey(), e.getValue(), pop.get(e.getKey()));
                }
            }
        } finally {
            kernels.close();
        }
        return 0;
    }
}
