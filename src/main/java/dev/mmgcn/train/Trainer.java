package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.ItemOnly;
import dev.mmgcn.eval.Popularity;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.model.Regularised;
import dev.mmgcn.optim.Adam;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * BPR training of any {@link RecModel} with full-ranking validation during and after every epoch,
 * early stopping, and the model kept at its best validated step.
 *
 * <p>A step: propagate over the whole graph (a graph model's representations depend on every
 * neighbour), gather the batch's user / positive / negative rows, BPR loss (stable softplus) plus an L2
 * penalty on the batch's rows of the model's free embedding tables ({@link RecModel#regularised()};
 * {@link BprObjective}) plus any loss terms of the model's own ({@link RecModel#extraLoss}), one backward walk, one Adam step.
 * The only value read back to the host is the loss. Before each epoch the model may change its
 * training graph ({@link RecModel#startEpoch}).
 *
 * <p>Validation runs at every epoch's end and every {@link ValidationSchedule#stepsBetween} steps in
 * between; the best validated step — wherever it falls — is the one whose test metrics are reported
 * and whose parameters go to the {@link BestModelSink}. Evaluation scores with the representation
 * recomputed from the current parameters ({@link RecModel#inferenceForward}) — not the one left over
 * from the last training batch, as the public MMGCN code does.
 */
public final class Trainer implements AutoCloseable {

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void epochStarted(int epoch, int batches) {
        }

        default void batchDone(int epoch, int batch, int batches, double meanLoss) {
        }

        /** A validation inside an epoch (not the one at its end, which comes with {@link #epochDone}). */
        default void validated(Validation v, double meanLoss) {
        }

        default void epochDone(EpochReport report) {
        }
    }

    /**
     * Called with the parameters in their best-validation state, so a checkpoint can be written; always
     * after the listener has heard of that validation ({@link Listener#validated} or {@link Listener#epochDone}).
     */
    public interface BestModelSink {
        void accept(Validation best, RecModel model, Tensor representation);
    }

    /**
     * One epoch: its mean loss, training seconds (validations excluded), seconds spent validating, the
     * validation at its end, and whether any validation in it was a new best.
     */
    public record EpochReport(int epoch, double loss, double trainSeconds, double evalSeconds, Validation end,
                              boolean improved, int validations) {
        public RankingMetrics valid() { return end.valid(); }

        /** Test metrics at the epoch's end when that validation was a new best, else null. */
        public RankingMetrics test() { return end.test(); }

        /** Whether the epoch's end was the best validation so far. */
        public boolean best() { return end.best(); }

        public RankingMetrics itemOnlyValid() { return end.itemOnlyValid(); }
    }

    /**
     * @param best the best validation of the run: its test metrics are the ones to report
     * @param evalEvery steps between validations inside an epoch
     */
    public record Result(Validation best, List<EpochReport> history, RankingMetrics popularityValid,
                         RankingMetrics popularityTest, boolean stoppedEarly, int validUsers, int validSkipped,
                         int testUsers, int testSkipped, int evalEvery) {
    }

    private final RecModel model;
    private final Dataset data;
    private final TrainConfig config;
    private final Kernels kernels;
    private final Tape tape;
    private final Adam adam;
    private final HostScope host = new HostScope();
    private final Scope scope;
    private final NegativeSampler sampler;
    private final Evaluator validEvaluator;
    private final Evaluator testEvaluator;
    private final ItemOnly itemOnly;
    private final BatchBuffers batch;
    private final Tensor representation;
    private final Tensor sumOfSquares;
    private final SplittableRandom rng;
    private final int[] trainUsers;
    private final int[] trainItems;
    private final List<Regularised> regularised;
    private Validation best;

    public Trainer(RecModel model, Dataset data, TrainConfig config, Kernels kernels) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.kernels = kernels;
        this.tape = new Tape(kernels);
        this.adam = new Adam(kernels, config.learningRate(), config.weightDecay());
        this.scope = kernels.newScope();
        this.rng = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        this.sampler = new NegativeSampler(GraphBuilder.userItems(host, data.numUsers(), data.numItems(), data.train()),
                config.negatives());
        this.validEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.valid(), config.ks());
        this.testEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.test(), config.ks());
        this.itemOnly = new ItemOnly(kernels, data.numUsers(), data.numItems(), model.dim());
        this.batch = new BatchBuffers(kernels, data.numUsers(), config.batchSize());
        this.regularised = List.copyOf(model.regularised());
        representation = scope.floats(data.numUsers() + data.numItems(), model.dim());
        sumOfSquares = scope.floats(1, 1);
        // train pairs deduplicated once: a repeated pair would otherwise be trained on twice per epoch
        long[] codes = GraphBuilder.uniquePairs(data.numItems(), data.train());
        int w = codes.length;
        trainUsers = new int[w];
        trainItems = new int[w];
        for (int k = 0; k < w; k++) {
            trainUsers[k] = (int) (codes[k] / data.numItems());
            trainItems[k] = (int) (codes[k] % data.numItems());
        }
        if (w == 0) throw new dev.mmgcn.data.DataException("dataset '" + data.name() + "' has no training interactions");
    }

    /** Training steps per epoch. */
    public int stepsPerEpoch() {
        return (trainUsers.length + config.batchSize() - 1) / config.batchSize();
    }

    /** Steps between validations inside an epoch, as this run will use them. */
    public int evalEvery() {
        return ValidationSchedule.stepsBetween(config.evalEvery(), stepsPerEpoch(), validEvaluator.evaluatedUsers(), data.numItems());
    }

    public Result fit(Listener listener, BestModelSink sink) {
        RankingMetrics popValid = Popularity.evaluate(kernels, validEvaluator, data.numUsers(), data.numItems(), data.train());
        RankingMetrics popTest = Popularity.evaluate(kernels, testEvaluator, data.numUsers(), data.numItems(), data.train());
        List<EpochReport> history = new ArrayList<>();
        best = null;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        int[] order = new int[trainUsers.length];
        for (int k = 0; k < order.length; k++) order[k] = k;
        int batches = stepsPerEpoch();
        int every = evalEvery();
        long globalStep = 0;

        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            model.startEpoch(epoch, config.seed());
            listener.epochStarted(epoch, batches);
            long t0 = System.nanoTime();
            double evalSeconds = 0;
            int validations = 0;
            boolean improved = false;
            Validation end = null;
            shuffle(order);
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * config.batchSize();
                int n = Math.min(config.batchSize(), order.length - from);
                lossSum += step(order, from, n);
                globalStep++;
                listener.batchDone(epoch, b + 1, batches, lossSum / (b + 1));
                boolean last = b == batches - 1;
                // mid-epoch validations only make sense with something to select on
                if (last || (hasValidation() && globalStep % every == 0)) {
                    Validation v = validate(epoch, b + 1, batches, globalStep);
                    if (v == null) continue; // diverged inside the epoch: its end reports it
                    evalSeconds += v.evalSeconds();
                    validations++;
                    improved |= v.best();
                    if (last) {
                        end = v;
                    } else {
                        // the listener hears of a validation before the sink saves its parameters
                        listener.validated(v, lossSum / (b + 1));
                        if (v.best() && sink != null) sink.accept(v, model, representation);
                    }
                }
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9 - evalSeconds;
            EpochReport report = new EpochReport(epoch, lossSum / batches, trainSeconds, evalSeconds, end, improved, validations);
            history.add(report);
            if (!Double.isFinite(report.loss())) {
                listener.epochDone(report);
                throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + report.loss()
                        + "); try a smaller --lr");
            }
            sinceBest = improved ? 0 : sinceBest + 1;
            listener.epochDone(report);
            if (best == null) throw new IllegalStateException("training diverged at epoch " + epoch + " (the parameters are no longer finite); try a smaller --lr");
            if (end.best() && sink != null) sink.accept(end, model, representation);
            if (config.patience() > 0 && sinceBest >= config.patience()) {
                stoppedEarly = epoch < config.epochs();
                break;
            }
        }
        return new Result(best, history, popValid, popTest, stoppedEarly, validEvaluator.evaluatedUsers(),
                validEvaluator.skippedUsers(), testEvaluator.evaluatedUsers(), testEvaluator.skippedUsers(), every);
    }

    /**
     * Validates the current parameters; on a new best, also tests and remembers it. Parameters that are
     * no longer finite are never a best: inside an epoch they are not validated at all (null), at its
     * end they are, for the report, and the epoch's loss says the run diverged.
     */
    private Validation validate(int epoch, int stepInEpoch, int steps, long globalStep) {
        long t1 = System.nanoTime();
        computeRepresentation();
        kernels.sumSquares(representation, sumOfSquares);
        boolean finite = Float.isFinite(kernels.readScalar(sumOfSquares));
        if (!finite && stepInEpoch < steps) return null;
        RankingMetrics valid = validEvaluator.evaluate(userRows(), itemRows());
        double score = valid.get(config.validMetric());
        // without validation users there is nothing to select on: every validation counts as the newest best
        boolean improved = finite && (best == null || score > best.valid().get(config.validMetric()) || !hasValidation());
        RankingMetrics test = improved ? testEvaluator.evaluate(userRows(), itemRows()) : null;
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        RankingMetrics itemOnlyValid = improved || stepInEpoch == steps ? itemOnly.evaluate(validEvaluator, userRows(), itemRows()) : null;
        Validation v = new Validation(epoch, stepInEpoch, steps, globalStep, evalSeconds, valid, test, improved, itemOnlyValid);
        if (improved) best = v;
        return v;
    }

    /** False when no user has a validation item: then the last epoch is reported and nothing stops early. */
    public boolean hasValidation() {
        return validEvaluator.evaluatedUsers() > 0;
    }

    /** One BPR step on {@code n} training pairs starting at {@code order[from]}; returns the loss. */
    double step(int[] order, int from, int n) {
        batch.resize(n);
        for (int r = 0; r < n; r++) {
            int k = order[from + r];
            int u = trainUsers[k];
            batch.set(r, u, trainItems[k], sampler.sample(u, rng));
        }
        Batch b = batch.upload();

        tape.begin();
        Var r = model.forward(tape);
        Var loss = BprObjective.loss(tape, r, b, config.regWeight(), regularised);
        Var extra = model.extraLoss(tape, r, b);
        if (extra != null) loss = tape.add(loss, extra);
        tape.backward(loss);
        adam.step(tape, model.parameters().all());
        return kernels.readScalar(loss.value());
    }

    /** Recomputes R from the current parameters (inference graph) into the trainer's own buffer. */
    public Tensor computeRepresentation() {
        model.computeRepresentation(tape, representation);
        return representation;
    }

    private Tensor userRows() {
        return representation.rowSlice(0, data.numUsers());
    }

    private Tensor itemRows() {
        return representation.rowSlice(data.numUsers(), data.numUsers() + data.numItems());
    }

    public Evaluator validEvaluator() { return validEvaluator; }

    public Evaluator testEvaluator() { return testEvaluator; }

    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public void close() {
        tape.close();
        adam.close();
        validEvaluator.close();
        testEvaluator.close();
        itemOnly.close();
        batch.close();
        scope.close();
        host.close();
    }
}
