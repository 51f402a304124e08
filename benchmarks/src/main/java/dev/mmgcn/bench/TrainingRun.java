package dev.mmgcn.bench;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.TrainerAccess;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A default-configuration MMGCN (2 layers, width 64, mean aggregation, id embeddings) and its trainer
 * on a synthetic dataset, ready to take steps. Data generation, model set-up and two warm-up steps
 * (which size the tape's buffers and, on a GPU, create the library handles) happen before timing.
 * Every timed step is a full batch: the trainer's own epoch loop, minus the end-of-epoch evaluation.
 */
@State(Scope.Benchmark)
public abstract class TrainingRun {
    private static final long SEED = 2024L;

    @Param({"2048"})
    public int batch;

    private Dataset data;
    private Kernels kernels;
    private Mmgcn model;
    private Trainer trainer;
    private int[] order;
    private int next;

    abstract SyntheticGenerator.Spec spec();

    abstract Kernels open();

    @Setup
    public void setUp() {
        long t0 = System.nanoTime();
        data = SyntheticGenerator.generate(spec(), SEED);
        System.out.printf("# %s (generated in %.1f s)%n", data.summary(), (System.nanoTime() - t0) / 1e9);
        kernels = open();
        TrainConfig d = TrainConfig.defaults();
        TrainConfig config = new TrainConfig(d.epochs(), batch, d.learningRate(), d.regWeight(), d.weightDecay(),
                d.seed(), d.patience(), d.validMetric(), d.ks());
        model = new Mmgcn(MmgcnConfig.defaults(), kernels, data.numUsers(), data.numItems(), data.modalities(),
                data.train(), SEED);
        trainer = new Trainer(model, data, config, kernels);
        order = shuffledPairs(distinctPairs(data.train(), data.numItems()), new SplittableRandom(SEED));
        if (order.length < batch) {
            throw new IllegalArgumentException(order.length + " training pairs, fewer than one batch of " + batch);
        }
        long t1 = System.nanoTime();
        step();
        double loss = step();
        System.out.printf("# %s: %,d training pairs, batch %d; warm-up steps took %.2f s, loss %.4f%n",
                kernels.name(), order.length, batch, (System.nanoTime() - t1) / 1e9, loss);
    }

    /** One step on the next full batch, wrapping to the start of the shuffled order. */
    double step() {
        if (next + batch > order.length) next = 0;
        double loss = TrainerAccess.step(trainer, order, next, batch);
        next += batch;
        return loss;
    }

    @TearDown
    public void tearDown() {
        trainer.close();
        model.close();
        kernels.close();
        data.close();
    }

    /** The trainer deduplicates its pairs; its step indexes that list, so count it the same way. */
    private static int distinctPairs(Interactions train, int numItems) {
        long[] codes = new long[train.size()];
        for (int k = 0; k < codes.length; k++) codes[k] = (long) train.users()[k] * numItems + train.items()[k];
        Arrays.sort(codes);
        int distinct = 0;
        for (int k = 0; k < codes.length; k++) if (k == 0 || codes[k] != codes[k - 1]) distinct++;
        return distinct;
    }

    private static int[] shuffledPairs(int count, SplittableRandom rng) {
        int[] a = new int[count];
        for (int k = 0; k < count; k++) a[k] = k;
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
