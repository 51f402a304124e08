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
import dev.mmgcn.profile.Profiler;
import dev.mmgcn.profile.Profiler.Phase;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/**
 * BPR training of any {@link RecModel} with full-ranking validation during and after every epoch,
 * early stopping, and the model kept at its best validated step.
 *
 * <p>An epoch starts with the model's own per-epoch change ({@link RecModel#startEpoch}, e.g. FREEDOM's
 * pruned graph), then its {@link EpochPlan}: every step's users, positives and negatives, a pure
 * function of (seed, epoch), uploaded to the backend once. A step then runs on the backend alone:
 * propagate over the whole graph (a graph model's representations depend on every neighbour), gather
 * the batch's user / positive / negative rows, BPR loss (stable softplus) plus an L2 penalty on the
 * batch's rows of the model's free embedding tables ({@link RecModel#regularised()}) plus any loss terms
 * of the model's own ({@link RecModel#extraLoss}), one backward walk, one multi-tensor Adam step, and the
 * loss added to a running sum in backend memory. Nothing crosses to the host inside a step; the sum is
 * read every few steps for the progress callback, at validations and at the end of the epoch.
 *
 * <p>Validation runs at every epoch's end and every {@link ValidationSchedule#stepsBetween} steps in
 * between; the best validated step — wherever it falls — is the one whose test metrics are reported
 * and whose parameters go to the {@link BestModelSink}. Evaluation scores with the representation
 * recomputed from the current parameters ({@link RecModel#inferenceForward}) — not the one left over
 * from the last training batch, as the public MMGCN code does.
 */
public final class Trainer implements AutoCloseable {
    /** Segments of a step's index block: users, positive rows, negative rows, positive items, negative items. */
    private static final int SEGMENTS = 5;

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

        /**
         * Whether the run ended at its epoch budget while still improving: it did not stop early, and its best
         * validation came fewer than {@code max(patience, 1)} epochs before the end — early stopping would not
         * have stopped it yet, so more epochs could still find a better step.
         */
        public boolean stillImproving(int patience) {
            return !stoppedEarly && validUsers > 0 && history.size() - best.epoch() < Math.max(patience, 1);
        }
    }

    private final RecModel model;
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
    private final Tensor representation;
    private final Tensor sumOfSquares;
    /** The epoch's triples on the host, as the plan fills them. */
    private final IntTensor epochUsersHost, epochPosHost, epochNegHost;
    /**
     * The same, laid out step by step — step b's users, positive rows, negative rows, positive items and
     * negative items side by side — on the host and on the backend (uploaded once per epoch).
     */
    private final IntTensor epochBatchesHost, epochBatches;
    /** The current step's indices, copied from epochBatches into the same memory every step. */
    private final IntTensor batch;
    /** Σ of this epoch's step losses, in backend memory. */
    private final Tensor lossSum;
    private final List<Regularised> regularised;
    private Validation best;

    public Trainer(RecModel model, Dataset data, TrainConfig config, Kernels kernels) {
        this(model, data, config, kernels, Profiler.off());
    }

    /** @param profiler times the phases of each epoch and counts backend calls ({@code --profile}) */
    public Trainer(RecModel model, Dataset data, TrainConfig config, Kernels kernels, Profiler profiler) {
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
        this.itemOnly = new ItemOnly(kernels, data.numUsers(), data.numItems(), model.dim());
        this.regularised = List.copyOf(model.regularised());
        representation = scope.floats(data.numUsers() + data.numItems(), model.dim());
        sumOfSquares = scope.floats(1, 1);
        int n = plan.pairs();
        epochUsersHost = host.ints(n, 1);
        epochPosHost = host.ints(n, 1);
        epochNegHost = host.ints(n, 1);
        epochBatchesHost = host.ints(SEGMENTS * n, 1);
        epochBatches = scope.ints(SEGMENTS * n, 1);
        batch = scope.ints(SEGMENTS * Math.min(config.batchSize(), n), 1);
        lossSum = scope.floats(1, 1);
    }

    /** Training steps per epoch. */
    public int stepsPerEpoch() {
        return plan.batches(config.batchSize());
    }

    /** Steps between validations inside an epoch, as this run will use them. */
    public int evalEvery() {
        if (config.evalEvery() > 0) return config.evalEvery();
        return ValidationSchedule.stepsBetween(0, stepsPerEpoch(), forwardFlops(), validEvaluator.evaluatedUsers(), data.numItems(), model.dim());
    }

    private double forwardFlops = -1;

    /**
     * FLOPs of one forward pass, counted once from the kernel calls of an inference forward run through a
     * counting wrapper (the shapes decide them, never the machine: see {@link ValidationSchedule}).
     */
    double forwardFlops() {
        if (forwardFlops < 0) {
            dev.mmgcn.profile.CountingKernels counting = new dev.mmgcn.profile.CountingKernels(kernels);
            try (Tape t = new Tape(counting)) {
                t.begin();
                model.inferenceForward(t);
                double f = 0;
                for (dev.mmgcn.profile.Call c : dev.mmgcn.profile.Call.values()) f += counting.flops(null, c);
                forwardFlops = f;
            }
        }
        return forwardFlops;
    }

    public Result fit(Listener listener, BestModelSink sink) {
        return fit(listener, sink, null, null);
    }

    /** Called after each epoch (its listener and sink calls done) with the state to continue from; e.g. to write {@code last.ckpt}. */
    public interface StateSink {
        void accept(TrainingState state);
    }

    /**
     * Trains from {@code resumeFrom} (null: from the start) and hands {@code stateSink} (may be null) the
     * state after every epoch. On the CPU a run resumed from the state after epoch E ends exactly as the
     * run that was not stopped: the parameters, Adam's moments and step, the epochs so far, the best
     * validation and the early-stopping counter come back, and each epoch's plan depends on (seed, epoch) only.
     */
    public Result fit(Listener listener, BestModelSink sink, TrainingState resumeFrom, StateSink stateSink) {
        RankingMetrics popValid = Popularity.evaluate(kernels, validEvaluator, data.numUsers(), data.numItems(), data.train());
        RankingMetrics popTest = Popularity.evaluate(kernels, testEvaluator, data.numUsers(), data.numItems(), data.train());
        List<EpochReport> history = new ArrayList<>();
        best = null;
        int sinceBest = 0;
        boolean stoppedEarly = false;
        int batches = stepsPerEpoch();
        int every = evalEvery();
        // the loss sum is read for the progress callback after the first step (so progress never shows a
        // loss it has not read), every few steps after and at validations: a host round trip on a device
        int readEvery = Math.max(1, (batches + 9) / 10);
        long globalStep = 0;
        int firstEpoch = 1;
        if (resumeFrom != null) {
            restore(resumeFrom);
            history.addAll(resumeFrom.history());
            best = resumeFrom.best();
            sinceBest = resumeFrom.sinceBest();
            firstEpoch = resumeFrom.epoch() + 1;
            globalStep = (long) resumeFrom.epoch() * batches;
            if (config.patience() > 0 && sinceBest >= config.patience()) { // it had stopped early: nothing left to train
                firstEpoch = config.epochs() + 1;
                stoppedEarly = resumeFrom.epoch() < config.epochs();
            }
        }

        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            listener.epochStarted(epoch, batches);
            profiler.epochStarted();
            long t0 = System.nanoTime();
            beginEpoch(epoch);
            double evalSeconds = 0;
            int validations = 0;
            boolean improved = false;
            Validation end = null;
            double meanLoss = Double.NaN;
            long trainEnd = 0;
            for (int b = 0; b < batches; b++) {
                step(b);
                globalStep++;
                boolean last = b == batches - 1;
                boolean validateNow = last || (hasValidation() && globalStep % every == 0);
                if (b == 0 || (b + 1) % readEvery == 0 || validateNow) meanLoss = lossSum() / (b + 1);
                listener.batchDone(epoch, b + 1, batches, meanLoss);
                if (last) trainEnd = profiler.mark();
                // mid-epoch validations only make sense with something to select on
                if (validateNow) {
                    profiler.begin(Phase.EVALUATION);
                    Validation v = validate(epoch, b + 1, batches, globalStep);
                    profiler.end(Phase.EVALUATION);
                    if (v == null) continue; // diverged inside the epoch: its end reports it
                    evalSeconds += v.evalSeconds();
                    validations++;
                    improved |= v.best();
                    if (last) {
                        end = v;
                    } else {
                        // the listener hears of a validation before the sink saves its parameters
                        listener.validated(v, meanLoss);
                        if (v.best() && sink != null) sink.accept(v, model, representation);
                    }
                }
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9 - evalSeconds;
            EpochReport report = new EpochReport(epoch, meanLoss, trainSeconds, evalSeconds, end, improved, validations);
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
            profiler.epochDone(epoch, trainEnd);
            if (stateSink != null) stateSink.accept(capture(epoch, sinceBest, history));
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

    /** The state after {@code epoch}: parameters and Adam's moments copied to the host. */
    private TrainingState capture(int epoch, int sinceBest, List<EpochReport> history) {
        java.util.Map<String, float[]> params = new java.util.LinkedHashMap<>();
        java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        try (HostScope h = new HostScope()) {
            for (Var p : model.parameters().all()) {
                params.put(p.name(), model.parameters().read(p, h));
                shapes.put(p.name(), new int[] {p.rows(), p.cols()});
            }
        }
        return new TrainingState(epoch, sinceBest, history, best, adam.steps(), params, shapes,
                adam.moments(model.parameters().all()), java.util.Map.of());
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
     * Starts epoch {@code epoch} (from 1): the model's per-epoch change ({@link RecModel#startEpoch}), then
     * the epoch's plan, uploaded (the epoch's only host-to-backend copy), and the loss sum cleared.
     */
    void beginEpoch(int epoch) {
        model.startEpoch(epoch, config.seed());
        profiler.begin(Phase.SAMPLING);
        plan.fill(epoch, epochUsersHost, epochPosHost, epochNegHost);
        int pairs = plan.pairs(), numUsers = data.numUsers();
        for (int from = 0; from < pairs; from += config.batchSize()) {
            int n = Math.min(config.batchSize(), pairs - from);
            long at = (long) SEGMENTS * from;
            for (int r = 0; r < n; r++) {
                int pos = epochPosHost.getFlat(from + r), neg = epochNegHost.getFlat(from + r);
                epochBatchesHost.setFlat(at + r, epochUsersHost.getFlat(from + r));
                epochBatchesHost.setFlat(at + n + r, pos);
                epochBatchesHost.setFlat(at + 2L * n + r, neg);
                epochBatchesHost.setFlat(at + 3L * n + r, pos - numUsers);
                epochBatchesHost.setFlat(at + 4L * n + r, neg - numUsers);
            }
        }
        kernels.upload(epochBatchesHost, epochBatches);
        kernels.fill(lossSum, 0f);
        profiler.end(Phase.SAMPLING);
    }

    /**
     * Step {@code b} of the current epoch: its indices copied (backend to backend) into the step's fixed
     * buffer, then forward, backward, Adam and the loss added to the epoch's sum — all on the backend, no
     * host round trip. The compute is one {@link Kernels#replayable} region keyed by the batch size and the
     * model's training graph ({@link RecModel#graphVersion}): it reads the same buffers every step, so a
     * device may record it once and replay it.
     */
    void step(int b) {
        int from = b * config.batchSize();
        int n = Math.min(config.batchSize(), plan.pairs() - from);
        if (n <= 0 || b < 0) throw new IllegalArgumentException("step " + b + " of an epoch of " + stepsPerEpoch());
        profiler.begin(Phase.SAMPLING);
        kernels.copy(epochBatches.rowSlice(SEGMENTS * from, SEGMENTS * (from + n)), batch.rowSlice(0, SEGMENTS * n));
        profiler.end(Phase.SAMPLING);
        kernels.replayable(List.of(n, model.graphVersion()), () -> compute(n));
        profiler.stepDone();
    }

    /** A step's compute on the n triples in {@link #batch}. */
    private void compute(int n) {
        Batch b = new Batch(batch.rowSlice(0, n), batch.rowSlice(n, 2 * n), batch.rowSlice(2 * n, 3 * n),
                batch.rowSlice(3 * n, 4 * n), batch.rowSlice(4 * n, 5 * n));
        profiler.begin(Phase.FORWARD);
        tape.begin();
        Var r = model.forward(tape);
        Var loss = BprObjective.loss(tape, r, b, config.regWeight(), regularised);
        Var extra = model.extraLoss(tape, r, b);
        if (extra != null) loss = tape.add(loss, extra);
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
