package dev.mmgcn.model;

import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.List;

/**
 * What the trainer, the evaluator, checkpoints and the command line need from a recommender: a
 * forward pass on the tape that yields one representation per node (users 0..U−1, then items
 * U..U+I−1) with score(u, i) = ⟨R_u, R_i⟩, its named parameters, the embedding tables the
 * trainer's L2 penalty covers, optional extra loss terms, and a hook for per-epoch graph changes.
 *
 * <p>The trainer adds BPR on ⟨R_u, R_pos⟩ − ⟨R_u, R_neg⟩, then {@code reg · Σ‖batch rows‖² / batch}
 * over {@link #regularised()}, then {@link #extraLoss}.
 */
public interface RecModel extends AutoCloseable {

    /** The model's name on the command line and in checkpoints: "mmgcn", "lightgcn", "freedom". */
    String kind();

    /** The model's settings (recorded in checkpoints). */
    ModelConfig config();

    int numUsers();

    int numItems();

    /** Width of the representation R. */
    int dim();

    ParameterStore parameters();

    /** R for a training step (on this epoch's graph, where a model changes it per epoch). */
    Var forward(Tape tape);

    /**
     * Whether {@link #forwardRows} computes R at a batch's rows for less than {@link #forward} costs; the
     * trainer then uses it for every training step, and calls no {@link #extraLoss} (a model that answers
     * true has none).
     */
    default boolean forwardsRows() {
        return false;
    }

    /**
     * R's rows {@code rows} (node ids; |rows|×D, in that order) for a training step: the same values as
     * those rows of {@link #forward} up to rounding, and the same gradients, with the last layer computed
     * on those rows only. Only for models whose {@link #forwardsRows} is true.
     */
    default Var forwardRows(Tape tape, IntTensor rows) {
        throw new UnsupportedOperationException(kind() + " computes R for every node only");
    }

    /** R for evaluation and serving; the same as {@link #forward} unless the model trains on a perturbed graph. */
    default Var inferenceForward(Tape tape) {
        return forward(tape);
    }

    /** Runs {@link #inferenceForward} on {@code tape} (starting a new step) and copies R into {@code out} (N×D). */
    default void computeRepresentation(Tape tape, Tensor out) {
        tape.begin();
        Var r = inferenceForward(tape);
        tape.kernels().copyBlock(r.value(), 0, 0, out, 0, 0, r.rows(), r.cols(), false);
    }

    /** The free embedding tables under the trainer's L2 penalty, and which batch rows of each it takes. */
    List<Regularised> regularised();

    /**
     * Loss terms beyond BPR for this batch, already weighted (FREEDOM's feature BPR); null for none.
     * {@code r} is this step's {@link #forward} output.
     */
    default Var extraLoss(Tape tape, Var r, Batch batch) {
        return null;
    }

    /**
     * Called before the first step of every epoch (1-based). Any randomness must come from
     * {@code (seed, epoch)} alone, so that a run is reproducible and a resumed run sees the same graphs.
     */
    default void startEpoch(int epoch, long seed) {
    }

    /**
     * Identifies the graph {@link #forward} runs on: it changes whenever {@link #startEpoch} swaps the
     * training graph, so a backend that records a training step and replays it ({@code Kernels.replayable})
     * never replays one recorded on an earlier graph. Constant for models with a fixed graph.
     */
    default int graphVersion() {
        return 0;
    }

    /** One line describing the architecture, for the train log. */
    String describe();

    @Override
    void close();
}
