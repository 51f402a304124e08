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
import java.util.SplittableRandom;

/**
 * BPR training of an {@link Mmgcn} with full-ranking validation after every epoch and early stopping.
 *
 * <p>A step: propagate over the whole graph (MMGCN's representations depend on every neighbour),
 * gather the batch's user / positive / negative rows, BPR loss (stable softplus) plus an L2 penalty on
 * the batch's free embeddings (id embeddings and user preferences; {@link BprObjective}), one backward
 * walk, one Adam step.
 * The only value read back to the host is the loss.
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
    private final NegativeSampler sampler;
    private final Evaluator validEvaluator;
    private final Evaluator testEvaluator;
    private final ItemOnly itemOnly;
    private final IntTensor usersHost, posHost, negHost;
    private final IntTensor users, pos, neg;
    private final Tensor representation;
    private SplittableRandom rng;
    private final int[] trainUsers;
    private final int[] trainItems;

    public Trainer(Mmgcn model, Dataset data, TrainConfig config, Kernels kernels) {
        this.model = model;
        this.data = data;
        this.config = config;
        this.kernels = kernels;
        this.tape = new Tape(kernels);
        this.adam = new Adam(kernels, config.learningRate(), config.weightDecay());
        this.scope = kernels.newScope();
        this.sampler = new NegativeSampler(GraphBuilder.userItems(host, data.numUsers(), data.numItems(), data.train()),
                config.negatives());
        this.validEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.valid(), config.ks());
        this.testEvaluator = new Evaluator(kernels, data.numUsers(), data.numItems(), data.train(), data.test(), config.ks());
        this.itemOnly = new ItemOnly(kernels, data.numUsers(), data.numItems(), model.config().embeddingDim());
        int b = config.batchSize();
        usersHost = host.ints(b, 1);
        posHost = host.ints(b, 1);
        negHost = host.ints(b, 1);
        users = scope.ints(b, 1);
        pos = scope.ints(b, 1);
        neg = scope.ints(b, 1);
        representation = scope.floats(data.numUsers() + data.numItems(), model.config().embeddingDim());
        // train pairs deduplicated once: a repeated pair would otherwise be trained on twice per epoch
        long[] codes = new long[data.train().size()];
        for (int k = 0; k < codes.length; k++) codes[k] = (long) data.train().users()[k] * data.numItems() + data.train().items()[k];
        java.util.Arrays.sort(codes);
        int w = 0;
        for (int k = 0; k < codes.length; k++) if (k == 0 || codes[k] != codes[k - 1]) codes[w++] = codes[k];
        trainUsers = new int[w];
        trainItems = new int[w];
        for (int k = 0; k < w; k++) {
            trainUsers[k] = (int) (codes[k] / data.numItems());
            trainItems[k] = (int) (codes[k] % data.numItems());
        }
        if (w == 0) throw new dev.mmgcn.data.DataException("dataset '" + data.name() + "' has no training interactions");
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
        int[] order = new int[trainUsers.length];
        int batches = (order.length + config.batchSize() - 1) / config.batchSize();

        for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
            listener.epochStarted(epoch, batches);
            long t0 = System.nanoTime();
            // the epoch's shuffle and negatives depend on (seed, epoch) alone, so a resumed run draws what an unbroken one would
            rng = new SplittableRandom(config.seed() ^ 0x5DEECE66DL ^ (0x9E3779B97F4A7C15L * epoch));
            for (int k = 0; k < order.length; k++) order[k] = k;
            shuffle(order);
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * config.batchSize();
                int n = Math.min(config.batchSize(), order.length - from);
                lossSum += step(order, from, n);
                listener.batchDone(epoch, b + 1, batches, lossSum / (b + 1));
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            computeRepresentation();
            RankingMetrics valid = validEvaluator.evaluate(userRows(), itemRows());
            double score = valid.get(config.validMetric());
            // without validation users there is nothing to select on: every epoch counts as the newest best
            boolean improved = best == null || score > best.valid().get(config.validMetric()) || !hasValidation();
            RankingMetrics test = improved ? testEvaluator.evaluate(userRows(), itemRows()) : null;
            double evalSeconds = (System.nanoTime() - t1) / 1e9;
            RankingMetrics itemOnlyValid = itemOnly.evaluate(validEvaluator, userRows(), itemRows());
            EpochReport report = new EpochReport(epoch, lossSum / batches, trainSeconds, evalSeconds, valid, test, improved,
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

    /** One BPR step on {@code n} training pairs starting at {@code order[from]}; returns the loss. */
    double step(int[] order, int from, int n) {
        int numUsers = data.numUsers();
        usersHost.reshape(n, 1);
        posHost.reshape(n, 1);
        negHost.reshape(n, 1);
        for (int r = 0; r < n; r++) {
            int k = order[from + r];
            int u = trainUsers[k];
            usersHost.setFlat(r, u);
            posHost.setFlat(r, numUsers + trainItems[k]);
            negHost.setFlat(r, numUsers + sampler.sample(u, rng));
        }
        users.reshape(n, 1);
        pos.reshape(n, 1);
        neg.reshape(n, 1);
        kernels.upload(usersHost, users);
        kernels.upload(posHost, pos);
        kernels.upload(negHost, neg);

        tape.begin();
        Var loss = BprObjective.loss(tape, model.forward(tape), users, pos, neg, config.regWeight(),
                model.idEmbedding(), model.preferences());
        tape.backward(loss);
        adam.step(tape, model.parameters().all());
        return kernels.readScalar(loss.value());
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
        scope.close();
        host.close();
    }
}
