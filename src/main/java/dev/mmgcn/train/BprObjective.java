package dev.mmgcn.train;

import dev.mmgcn.model.Batch;
import dev.mmgcn.model.Regularised;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/**
 * The training objective of one batch of (user, positive, negative) triples:
 * <pre>
 *   loss = mean_b softplus(⟨R_u, R_n⟩ − ⟨R_u, R_p⟩)                                   BPR, numerically stable
 *        + reg · Σ_tables Σ_b ‖table[batch rows of b]‖² / B
 * </pre>
 * where B is the batch size and R the model's representation. The tables are the model's
 * {@link dev.mmgcn.model.RecModel#regularised()}, each gathered at the batch rows it is indexed by
 * ({@link L2Penalty}); for MMGCN these are the id embedding at the user, positive and negative rows and
 * each modality's user-preference table P_m at the user rows:
 * {@code reg · ( Σ_b ‖E_id[u_b]‖² + ‖E_id[p_b]‖² + ‖E_id[n_b]‖² + Σ_m Σ_b ‖P_m[u_b]‖² ) / B}.
 * Indices are rows of R: users 0..U−1, items U..U+I−1. A model's own loss terms
 * ({@link dev.mmgcn.model.RecModel#extraLoss}) are added by the trainer after this.
 */
public final class BprObjective {
    private BprObjective() {
    }

    /**
     * Records the batch loss on {@code tape}.
     *
     * @param representation R, (U+I)×D
     * @param tables         the tables under the L2 penalty and the batch rows each takes
     */
    public static Var loss(Tape tape, Var representation, Batch batch, float regWeight, List<Regularised> tables) {
        return loss(tape, representation, batch, batch, regWeight, tables);
    }

    /**
     * The same objective on a representation that holds only some rows of R (a model's
     * {@code forwardRows}): {@code at} gives each triple's rows of {@code representation}, {@code batch}
     * the triples themselves (node and item ids), at which the tables are penalised.
     */
    public static Var loss(Tape tape, Var representation, Batch at, Batch batch, float regWeight, List<Regularised> tables) {
        if (at.size() != batch.size()) throw new IllegalArgumentException("positions of " + at.size() + " triples for a batch of " + batch.size());
        Var ru = tape.gather(representation, at.users());
        Var loss = tape.bprLoss(tape.rowDot(ru, tape.gather(representation, at.posRows())),
                tape.rowDot(ru, tape.gather(representation, at.negRows())));
        if (regWeight <= 0 || tables.isEmpty()) return loss;
        return tape.add(loss, L2Penalty.of(tape, tables, batch, regWeight / batch.size()));
    }

    /**
     * MMGCN's form of the same objective.
     *
     * @param idEmbedding regularised at the user, positive and negative rows; null when there is none
     * @param userTables  tables with one row per user (the preferences), regularised at the user rows
     */
    public static Var loss(Tape tape, Var representation, IntTensor users, IntTensor pos, IntTensor neg, float regWeight,
                           Var idEmbedding, List<Var> userTables) {
        List<Regularised> tables = new ArrayList<>();
        if (idEmbedding != null) tables.add(new Regularised(idEmbedding, Regularised.Rows.NODES));
        for (Var p : userTables) tables.add(new Regularised(p, Regularised.Rows.USERS));
        return loss(tape, representation, new Batch(users, pos, neg, null, null), regWeight, tables);
    }
}
