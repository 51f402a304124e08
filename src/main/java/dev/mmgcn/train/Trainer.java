package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.ItemOnly;
import dev.mmgcn.eval.Popularity;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Mmgcn;
import dev.mmgcn.optim.Adam;
import dev.mmgcn.profile.Profiler;
import dev.mmgcn.profile.Profiler.Phase;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BPR training of an {@link Mmgcn} with full-ranking validation after every epoch and early stopping.
 *
 * <p>An epoch starts with its {@link EpochPlan}: every step's users, positives and negatives, a pure
 * function of (seed, epoch), uploaded to the backend once. A step then runs on the backend alone:
 * propagate over the whole graph (MMGCN's representations depend on every neighbour), gather the
 * batch's user / positive / negative rows, BPR loss (stable softplus) plus an L2 penalty on the batch's
 * free embeddings (id embeddings and user preferences; {@link BprObjective}), one backward walk, one multi-tensor Adam step,
 * and the loss added to a running sum in backend memory. Nothing crosses to the host inside a step;
 * the sum is read every few steps for the progress callback and once at the end of the epoch. A
 * backend that captures one step as a graph can replay it for every full batch (the last, shorter
 * batch is a second shape).
 *
 * <p>Evaluation scores with the representation recomputed from the current parameters after the
 * epoch — not the one left over from the last training batch, as the public code does.
 */
public final class Trainer implements AutoCloseable {

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void epochStarted(int epoch, int batches) {
        }

        default void batchDone(int epoch, int batch, int batches, double meanLoss) {
        }

        default void epochDone(EpochReport report) {
        }
    }

    /** Called with the parameters in their best-validation state, so a checkpoint can be written. */
    public interface BestModelSink {
        void accept(EpochReport report, Mmgcn model, Tensor representation);
    }

    /**
     * @param test          the test metrics, computed only at epochs that improved validation (else null)
     * @param itemOnlyValid validation metrics of the model's item score alone ({@link ItemOnly}): what the
     *                      per-user part of the representation adds is {@code valid} minus this
     */
    public record EpochReport(int epoch, double loss, double trainSeconds, double evalSeconds,
                              RankingMetrics valid, RankingMetrics test, boolean best, RankingMetrics itemOnlyValid) {
    }

    public record Result(EpochReport best, List<EpochReport> history, RankingMetrics popularityValid,
                         RankingMetrics popularityTest, boolean stoppedEarly, int validUsers, int validSkipped,
                         int testUsers, int testSkipped) {
    }

    private final Mmgcn model;
    private final Dataset data;
    private final TrainConfig config;
    private final Kernels kernels;
    private final Tape tape;
    private final Adam adam;
    private final HostScope host = new HostScope();
    private final Scope scope;
    private final Profiler profiler;
    private final EpochPlan plan;
    private final Evaluator validEvaluator;
    private final Evaluator testEvaluator;
    private final ItemOnly itemOnly;
    /** The epoch's triples on the host, as the plan fills them. */
    private final IntTensor epochUsersHost, epochPosHost, epochNegHost;
    /**
     * The same, laid out batch by batch — batch b's users, positives and negatives side by side — on the
     * host and on the backend (uploaded once per epoch).
     */
    private final IntTensor epochBatchesHost, epochBatches;
    /** The current step's triples, copied from epochBatches into the same memory every step. */
    private final IntTensor batch;
    /** The current step's users, positives and negatives: views of {@link #batch}. */
    private IntTensor users, pos, neg;
    /** Σ of this epoch's step losses, in backend memory. */
    private final Tensor lossSum;
    private final Tensor representation;

    public Trainer(Mmgcn model, Dataset data, TrainConfig config, Kernels kernels) {
        this(model, data, config, kernels, Profiler.off());
    }

    /** @param profiler times the phases of each epoch and counts backend calls ({@code --profile}) */
    public Trainer(Mmgcn model, Dataset data, TrainConfig config, Kernels kernels, Profiler profiler) {
        if (data.train().size() == 0) throw new dev.mmgcn.data.DataException("dataset '" + data.name() + "' has no training interactions");
        this.model = model;
        this.data = data;
        this.config = config;
        this.profiler = profiler;
        this.kernels = profiler.wrap(kernels);
        kernels = this.kernels;
        this.tape = new Tape(kernels);
        model.parameters().flat(); // one buffer for all parameters: Adam updates them in one call
        this.adam = new Adam(kernels, config.learningRate(), config.weightDecay());
        adam.prepare(model.parameters());
        this.scope = kernels.newScope();
        NegativeSampler sampler = new NegativeSampler(GraphBuilder.userItems(host, data.numUsers(), data.numItems(), data.train()),
                config.negatives());
        this.plan = new EpochPlan(data.train(), data.numUsers(), data.numItems(), sampler, config.seed());
        this.validEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.valid(), config.ks());
        this.testEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.test(), config.ks());
        this.itemOnly = new ItemOnly(kernels, data.numUsers(), data.numItems(), model.config().embeddingDim());
        int n = plan.pairs();
        epochUsersHost = host.ints(n, 1);
        epochPosHost = host.ints(n, 1);
        epochNegHost = host.ints(n, 1);
        epochBatchesHost = host.ints(3 * n, 1);
        epochBatches = scope.ints(3 * n, 1);
        batch = scope.ints(3 * Math.min(config.batchSize(), n), 1);
        lossSum = scope.floats(1, 1);
        representation = scope.floats(data.numUsers() + data.numItems(), model.config().embeddingDim());
    }

    public Result fit(Listener listener, BestModelSink sink) {
        return fit(listener, sink, null, null);
    }

    /** Called after each epoch (its listener call done) with the state to continue from; e.g. to write {@code last.ckpt}. */
    public interface StateSink {
        void accept(TrainingState state);
    }

    /**
     * Trains from {@code resumeFrom} (null: from the start) and hands {@code stateSink} (may be null) the state
     * after every epoch. On the CPU a run resumed from the state after epoch E ends exactly as the run that
     * was not stopped: the parameters, Adam's moments and step, the epochs so far and the early-stopping
     * counter come back, and each epoch's sampling depends on (seed, epoch) only.
     */
    public Result fit(Listener listener, BestModelSink sink, TrainingState resumeFrom, StateSink stateSink) {
        RankingMetrics popValid = Popularity.evaluate(kernels, validEvaluator, data.numUsers(), data.numItems(), data.train());
        RankingMetrics popTest = Popularity.evaluate(kernels, testEvaluator, data.numUsers(), data.numItems(), data.train());
        List<EpochReport> history = new ArrayList<>();
        EpochReport best = null;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        int firstEpoch = 1;
        if (resumeFrom != null) {
            restore(resumeFrom);
            history.addAll(resumeFrom.history());
            best = resumeFrom.best();
            sinceBest = resumeFrom.sinceBest();
            firstEpoch = resumeFrom.epoch() + 1;
            if (config.patience() > 0 && sinceBest >= config.patience()) { // it had stopped early: nothing left to train
                firstEpoch = config.epochs() + 1;
                stoppedEarly = resumeFrom.epoch() < config.epochs();
            }
        }
        int batches = plan.batches(config.batchSize());
        // the loss sum is read for the progress callback after the first step (so progress never shows a
        // loss it has not read) and every few steps after: a host round trip on a device
        int readEvery = Math.max(1, (batches + 9) / 10);

        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            listener.epochStarted(epoch, batches);
            profiler.epochStarted();
            long t0 = System.nanoTime();
            beginEpoch(epoch); // the epoch's shuffle and negatives depend on (seed, epoch) alone: a resumed run draws what an unbroken one would
            double meanLoss = Double.NaN;
            for (int b = 0; b < batches; b++) {
                step(b);
                if (b == 0 || (b + 1) % readEvery == 0 || b + 1 == batches) meanLoss = kernels.readScalar(lossSum) / (b + 1);
                listener.batchDone(epoch, b + 1, batches, meanLoss);
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            long trainEnd = profiler.mark();

            long t1 = System.nanoTime();
            profiler.begin(Phase.EVALUATION);
            computeRepresentation();
            RankingMetrics valid = validEvaluator.evaluate(userRows(), itemRows());
            double score = valid.get(config.validMetric());
            // without validation users there is nothing to select on: every epoch counts as the newest best
            boolean improved = best == null || score > best.valid().get(config.validMetric()) || !hasValidation();
            RankingMetrics test = improved ? testEvaluator.evaluate(userRows(), itemRows()) : null;
            double evalSeconds = (System.nanoTime() - t1) / 1e9;
            RankingMetrics itemOnlyValid = itemOnly.evaluate(validEvaluator, userRows(), itemRows());
            profiler.end(Phase.EVALUATION);
            EpochReport report = new EpochReport(epoch, meanLoss, trainSeconds, evalSeconds, valid, test, improved,
                    itemOnlyValid);
            history.add(report);
            if (!Double.isFinite(report.loss())) {
                listener.epochDone(report);
                throw new IllegalStateException("training diverged at epoch " + epoch + " (loss " + report.loss()
                        + "); try a smaller --lr");
            }
            if (improved) {
                best = report;
                sinceBest = 0;
                if (sink != null) sink.accept(report, model, representation);
            } else {
                sinceBest++;
            }
            listener.epochDone(report);
            profiler.epochDone(epoch, trainEnd);
            if (stateSink != null) stateSink.accept(capture(epoch, sinceBest, history));
            if (config.patience() > 0 && sinceBest >= config.patience()) {
                stoppedEarly = epoch < config.epochs();
                break;
            }
        }
        return new Result(best, history, popValid, popTest, stoppedEarly, validEvaluator.evaluatedUsers(),
                validEvaluator.skippedUsers(), testEvaluator.evaluatedUsers(), testEvaluator.skippedUsers());
    }

    /** The state after {@code epoch}: parameters and Adam's moments copied to the host. */
    private TrainingState capture(int epoch, int sinceBest, List<EpochReport> history) {
        Map<String, float[]> params = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (HostScope h = new HostScope()) {
            for (Var p : model.parameters().all()) {
                params.put(p.name(), model.parameters().read(p, h));
                shapes.put(p.name(), new int[] {p.rows(), p.cols()});
            }
        }
        return new TrainingState(epoch, sinceBest, history, adam.steps(), params, shapes, adam.moments(model.parameters().all()), Map.of());
    }

    /** Puts the parameters and Adam's state of {@code s} in place, checking that they fit this model. */
    private void restore(TrainingState s) {
        for (Var p : model.parameters().all()) {
            int[] shape = s.shapes().get(p.name());
            if (shape == null) throw new IllegalStateException("the saved state lacks parameter '" + p.name() + "'");
            if (shape[0] != p.rows() || shape[1] != p.cols()) {
                throw new IllegalStateException("parameter '" + p.name() + "' is " + shape[0] + "x" + shape[1] + " in the saved state but "
                        + p.rows() + "x" + p.cols() + " in the model");
            }
            model.parameters().write(p, s.parameters().get(p.name()));
        }
        if (s.parameters().size() != model.parameters().all().size()) {
            throw new IllegalStateException("the saved state has " + s.parameters().size() + " parameters, the model " + model.parameters().all().size());
        }
        adam.restore(s.adamSteps(), model.parameters().all(), s.moments());
    }

    /** False when no user has a validation item: then the last epoch is reported and nothing stops early. */
    public boolean hasValidation() {
        return validEvaluator.evaluatedUsers() > 0;
    }

    /**
     * Makes epoch {@code epoch}'s plan, uploads it (the epoch's only host-to-backend copy) and clears
     * the loss sum. Epochs count from 1.
     */
    void beginEpoch(int epoch) {
        profiler.begin(Phase.SAMPLING);
        plan.fill(epoch, epochUsersHost, epochPosHost, epochNegHost);
        int pairs = plan.pairs();
        for (int from = 0; from < pairs; from += config.batchSize()) {
            int n = Math.min(config.batchSize(), pairs - from);
            for (int r = 0; r < n; r++) {
                epochBatchesHost.setFlat(3L * from + r, epochUsersHost.getFlat(from + r));
                epochBatchesHost.setFlat(3L * from + n + r, epochPosHost.getFlat(from + r));
                epochBatchesHost.setFlat(3L * from + 2L * n + r, epochNegHost.getFlat(from + r));
            }
        }
        kernels.upload(epochBatchesHost, epochBatches);
        kernels.fill(lossSum, 0f);
        profiler.end(Phase.SAMPLING);
    }

    /** Steps of an epoch. */
    int batches() {
        return plan.batches(config.batchSize());
    }

    /**
     * Step {@code b} of the current epoch: its triples copied (backend to backend) into the step's fixed
     * buffer, then forward, backward, Adam and the loss added to the epoch's sum — all on the backend, no
     * host round trip. The compute is one {@link Kernels#replayable} region keyed by the batch size: it
     * reads the same buffers every step, so a device may record it once and replay it.
     */
    void step(int b) {
        int from = b * config.batchSize();
        int n = Math.min(config.batchSize(), plan.pairs() - from);
        if (n <= 0 || b < 0) throw new IllegalArgumentException("step " + b + " of an epoch of " + batches());
        profiler.begin(Phase.SAMPLING);
        kernels.copy(epochBatches.rowSlice(3 * from, 3 * (from + n)), batch.rowSlice(0, 3 * n));
        profiler.end(Phase.SAMPLING);
        kernels.replayable(n, () -> compute(n));
        profiler.stepDone();
    }

    /** A step's compute on the n triples in {@link #batch}. */
    private void compute(int n) {
        users = batch.rowSlice(0, n);
        pos = batch.rowSlice(n, 2 * n);
        neg = batch.rowSlice(2 * n, 3 * n);

        profiler.begin(Phase.FORWARD);
        tape.begin();
        Var loss = BprObjective.loss(tape, model.forward(tape), users, pos, neg, config.regWeight(),
                model.idEmbedding(), model.preferences());
        kernels.axpby(1f, loss.value(), 1f, lossSum);
        profiler.end(Phase.FORWARD);
        profiler.begin(Phase.BACKWARD);
        tape.backward(loss);
        profiler.end(Phase.BACKWARD);
        profiler.begin(Phase.OPTIMISER);
        adam.step(tape, model.parameters());
        profiler.end(Phase.OPTIMISER);
    }

    /** Σ of the step losses since the epoch began, read from the backend. */
    double lossSum() {
        return kernels.readScalar(lossSum);
    }

    /** Recomputes R from the current parameters into the trainer's own buffer. */
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

    @Override
    public void close() {
        tape.close();
        adam.close();
        validEvaluator.close();
        testEvaluator.close();
        itemOnly.close();
        scope.close();
        host.close();
    }
}
