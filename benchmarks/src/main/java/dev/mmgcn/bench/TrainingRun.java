package dev.mmgcn.bench;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.train.TrainConfig;
import dev.mmgcn.train.Trainer;
import dev.mmgcn.train.TrainingSteps;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Arrays;

/**
 * A default-configuration MMGCN (2 layers, width 64, mean aggregation, id embeddings) and its trainer
 * on a synthetic dataset, ready to take steps. Data generation, model set-up, epoch 1's plan and two
 * warm-up steps (which size the tape's buffers and, on a GPU, create the library handles) happen
 * before timing. Every timed step is a full batch of the trainer's own epoch, minus the end-of-epoch
 * evaluation and the once-per-epoch plan (the {@code plan} benchmarks time that).
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
    private TrainingSteps steps;
    private int fullBatches;
    private int next;
    private int epoch = 1;

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
        steps = new TrainingSteps(trainer);
        long tp = System.nanoTime();
        steps.beginEpoch(1);
        double planSeconds = (System.nanoTime() - tp) / 1e9;
        int batches = trainer.stepsPerEpoch();
        // the last batch of an epoch may be short: time full batches only
        fullBatches = distinctPairs(data.train(), data.numItems()) / batch;
        if (fullBatches < 1) throw new IllegalArgumentException("fewer training pairs than one batch of " + batch);
        long t1 = System.nanoTime();
        step();
        double loss = step() / 2; // the sum of the two warm-up steps' losses
        System.out.printf("# %s: %d steps per epoch, batch %d; epoch plan made and uploaded in %.3f s; warm-up steps took %.2f s, mean loss %.4f%n",
                kernels.name(), batches, batch, planSeconds, (System.nanoTime() - t1) / 1e9, loss);
    }

    /**
     * One step on the next full batch of the epoch's plan (wrapping to its start), then the loss sum
     * read back: the trainer's step plus the one read a step used to make, so that the time is
     * comparable with the per-step-sampling trainer's. The plan itself is made once per epoch, outside.
     */
    double step() {
        if (next == fullBatches) next = 0;
        steps.step(next++);
        return steps.lossSum();
    }

    /** The next epoch's plan: order and negatives made on the host, uploaded, loss sum cleared. */
    void plan() {
        steps.beginEpoch(++epoch);
        next = 0;
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
}
