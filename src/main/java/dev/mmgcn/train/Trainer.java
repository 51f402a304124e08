package dev.mmgcn.train;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.eval.Evaluator;
import dev.mmgcn.eval.RankingMetrics;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.model.BatchRows;
import dev.mmgcn.model.RecModel;
import dev.mmgcn.model.Regularised;
import dev.mmgcn.optim.Adam;
import dev.mmgcn.profile.Profiler;
import dev.mmgcn.profile.Profiler.Phase;
import dev.mmgcn.storage.HostScope;
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
    /** Progress callbacks; all optional. */
    public interface Listener {
        default void epochStarted(int epoch, int batches) { }

        default void batchDone(int epoch, int batch, int batches, double meanLoss) { }

        /** A validation inside an epoch (not the one at its end, which comes with {@link #epochDone}). */
        default void validated(Validation v, double meanLoss) { }

        default void epochDone(EpochReport report) { }
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
    private final StepBatches batches;
    private final Validator validator;
    /** Σ of this epoch's step losses, in backend memory. */
    private final Tensor lossSum;
    private final List<Regularised> regularised;
    private double forwardFlops = -1;
    /** The mark the profiler took when the current epoch's training steps ended (its validation excluded). */
    private long trainEnd;

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
        EpochPlan plan = new EpochPlan(data.train(), data.numUsers(), data.numItems(), sampler, config.seed());
        this.validator = new Validator(kernels, model, tape, data, config, scope);
        this.regularised = List.copyOf(model.regularised());
        this.batches = new StepBatches(kernels, plan, config.batchSize(), data.numUsers(), data.numItems(),
                computesRows(model, data, config, kernels), kernels.device() != dev.mmgcn.storage.Device.HOST, host, scope);
        lossSum = scope.floats(1, 1);
    }

    /**
     * Whether the steps compute R at each batch's rows only ({@link RecModel#forwardRows}): always for a
     * model that can, on the host; on a device, whose steps run padded to the most rows a batch can touch,
     * only when that is fewer than every node.
     */
    private static boolean computesRows(RecModel model, Dataset data, TrainConfig config, Kernels kernels) {
        if (!model.forwardsRows()) return false;
        if (kernels.device() == dev.mmgcn.storage.Device.HOST) return true;
        int b = config.batchSize();
        return b < data.numUsers() || 2L * b < data.numItems();
    }

    /** Training steps per epoch. */
    public int stepsPerEpoch() {
        return batches.steps();
    }

    /** Steps between validations inside an epoch, as this run will use them. */
    public int evalEvery() {
        if (config.evalEvery() > 0) return config.evalEvery();
        return ValidationSchedule.stepsBetween(0, stepsPerEpoch(), forwardFlops(), validator.valid().evaluatedUsers(), data.numItems(), model.dim());
    }

    /**
     * FLOPs of one forward pass, counted once from the kernel calls of an inference forward run through a
     * counting wrapper (the shapes decide them, never the machine: see {@link ValidationSchedule}).
     */
    double forwardFlops() {
        if (forwardFlops < 0) {
            dev.mmgcn.profile.CountingKernels counting = new dev.mmgcn.profile.CountingKernels(kernels);
            try (Tape t = new Tape(counting.get())) {
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
     * validation and the early-stopping value come back, and each epoch's plan depends on (seed, epoch) only.
     */
    public Result fit(Listener listener, BestModelSink sink, TrainingState resumeFrom, StateSink stateSink) {
        RankingMetrics popValid = validator.popularity(validator.valid());
        RankingMetrics popTest = validator.popularity(validator.test());
        List<EpochReport> history = new ArrayList<>();
        EarlyStopping stopping = new EarlyStopping(config.patience(), 0);
        int done = 0;
        validator.best(null);
        if (resumeFrom != null) {
            resumeFrom.restore(model, adam);
            history.addAll(resumeFrom.history());
            validator.best(resumeFrom.best());
            stopping = resumeFrom.stopping(config.patience());
            done = resumeFrom.epoch();
        }
        int every = evalEvery();
        while (done < config.epochs() && !stopping.stops()) {
            EpochReport report = runEpoch(++done, every, listener, sink);
            history.add(report);
            stopping = stopping.after(report.improved());
            endEpoch(report, listener, sink);
            if (stateSink != null) stateSink.accept(TrainingState.capture(model, adam, done, stopping, history, validator.best()));
        }
        Evaluator valid = validator.valid(), test = validator.test();
        return new Result(validator.best(), history, popValid, popTest, stopping.stops() && done < config.epochs(),
                valid.evaluatedUsers(), valid.skippedUsers(), test.evaluatedUsers(), test.skippedUsers(), every);
    }

    /**
     * One epoch's steps, with the validations inside it ({@code every} steps apart, counted over the run) and
     * the one at its end. The listener hears of each validation inside the epoch before the sink saves a new
     * best's parameters; the end's validation is reported by {@link #endEpoch}.
     */
    private EpochReport runEpoch(int epoch, int every, Listener listener, BestModelSink sink) {
        int steps = stepsPerEpoch();
        listener.epochStarted(epoch, steps);
        profiler.epochStarted();
        long t0 = System.nanoTime();
        beginEpoch(epoch);
        // the loss sum is read for the progress callback after the first step (so progress never shows a
        // loss it has not read), every few steps after and at validations: a host round trip on a device
        int readEvery = Math.max(1, (steps + 9) / 10);
        long globalStep = (long) (epoch - 1) * steps;
        double evalSeconds = 0, meanLoss = Double.NaN;
        int validations = 0;
        boolean improved = false;
        Validation end = null;
        for (int b = 0; b < steps; b++) {
            step(b);
            globalStep++;
            boolean last = b == steps - 1;
            // mid-epoch validations only make sense with something to select on
            boolean validateNow = last || (validator.hasValidation() && globalStep % every == 0);
            if (b == 0 || (b + 1) % readEvery == 0 || validateNow) meanLoss = lossSum() / (b + 1);
            listener.batchDone(epoch, b + 1, steps, meanLoss);
            if (last) trainEnd = profiler.mark();
            if (!validateNow) continue;
            profiler.begin(Phase.EVALUATION);
            Validation v = validator.validate(epoch, b + 1, steps, globalStep);
            profiler.end(Phase.EVALUATION);
            if (v == null) continue; // diverged inside the epoch: its end reports it
            evalSeconds += v.evalSeconds();
            validations++;
            improved |= v.best();
            if (last) {
                end = v;
            } else {
                listener.validated(v, meanLoss);
                if (v.best() && sink != null) sink.accept(v, model, validator.representation());
            }
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9 - evalSeconds;
        return new EpochReport(epoch, meanLoss, trainSeconds, evalSeconds, end, improved, validations);
    }

    /** Reports an epoch: a diverged run stops with the reason; a best at the epoch's end goes to the sink. */
    private void endEpoch(EpochReport report, Listener listener, BestModelSink sink) {
        if (!Double.isFinite(report.loss())) {
            listener.epochDone(report);
            throw new IllegalStateException("training diverged at epoch " + report.epoch() + " (loss " + report.loss()
                    + "); try a smaller --lr");
        }
        listener.epochDone(report);
        if (validator.best() == null) {
            throw new IllegalStateException("training diverged at epoch " + report.epoch()
                    + " (the parameters are no longer finite); try a smaller --lr");
        }
        if (report.best() && sink != null) sink.accept(report.end(), model, validator.representation());
        profiler.epochDone(report.epoch(), trainEnd);
    }

    /** False when no user has a validation item: then the last epoch is reported and nothing stops early. */
    public boolean hasValidation() {
        return validator.hasValidation();
    }

    /**
     * Starts epoch {@code epoch} (from 1): the model's per-epoch change ({@link RecModel#startEpoch}), then
     * the epoch's plan, uploaded (the epoch's only host-to-backend copy), and the loss sum cleared.
     */
    void beginEpoch(int epoch) {
        model.startEpoch(epoch, config.seed());
        profiler.begin(Phase.SAMPLING);
        batches.fill(epoch);
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
        profiler.begin(Phase.SAMPLING);
        int n = batches.copy(b);
        profiler.end(Phase.SAMPLING);
        kernels.replayable(List.of(n, model.graphVersion()), () -> compute(n));
        profiler.stepDone();
    }

    /** A step's compute on the n triples in the step buffer. */
    private void compute(int n) {
        Batch b = batches.batch(n);
        BatchRows rows = batches.rows(n);
        profiler.begin(Phase.FORWARD);
        tape.begin();
        Var loss;
        if (rows == null) {
            Var r = model.forward(tape);
            loss = BprObjective.loss(tape, r, b, config.regWeight(), regularised);
            Var extra = model.extraLoss(tape, r, b);
            if (extra != null) loss = tape.add(loss, extra);
        } else {
            // R at the batch's rows: BPR reads it at the triples' positions, the penalty the tables at the node ids
            Var r = model.forwardRows(tape, rows.rows());
            loss = BprObjective.loss(tape, r, rows.positions(), b, config.regWeight(), regularised);
        }
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
        return validator.computeRepresentation();
    }

    @Override
    public void close() {
        tape.close();
        adam.close();
        validator.close();
        scope.close();
        host.close();
    }
}
