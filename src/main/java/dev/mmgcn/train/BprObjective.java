package dev.mmgcn.train;

import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/**
 * The training objective of one batch of (user, positive, negative) triples:
 * <pre>
 *   loss = mean_b softplus(⟨R_u, R_n⟩ − ⟨R_u, R_p⟩)                                   BPR, numerically stable
 *        + reg · ( Σ_b ‖E_id[u_b]‖² + ‖E_id[p_b]‖² + ‖E_id[n_b]‖² + Σ_m Σ_b ‖P_m[u_b]‖² ) / B
 * </pre>
 * where B is the batch size, R the fused representation, E_id the id embedding (when the model has one)
 * and P_m each modality's user-preference table. Indices are rows of R: users 0..U−1, items U..U+I−1
 * (the preference tables have user rows only, so they are gathered with the user indices alone).
 */
public final class BprObjective {
    private BprObjective() {
    }

    /**
     * Records the batch loss on {@code tape}.
     *
     * @param representation R, (U+I)×D
     * @param idEmbedding    regularised at the user, positive and negative rows; null when there is none
     * @param userTables     tables with one row per user (the preferences), regularised at the user rows
     */
    public static Var loss(Tape tape, Var representation, IntTensor users, IntTensor pos, IntTensor neg, float regWeight,
                           Var idEmbedding, List<Var> userTables) {
        Var ru = tape.gather(representation, users);
        Var loss = tape.bprLoss(tape.rowDot(ru, tape.gather(representation, pos)),
                tape.rowDot(ru, tape.gather(representation, neg)));
        if (regWeight <= 0) return loss;
        // the penalty as one tape node (Tape.rowPenalty): each table's rows are read where they lie, never gathered
        List<Var> tables = new ArrayList<>();
        List<IntTensor> rows = new ArrayList<>();
        if (idEmbedding != null) {
            for (IntTensor idx : List.of(users, pos, neg)) {
                tables.add(idEmbedding);
                rows.add(idx);
            }
        }
        for (Var p : userTables) {
            tables.add(p);
            rows.add(users);
        }
        if (tables.isEmpty()) return loss;
        return tape.add(loss, tape.rowPenalty(tables.toArray(Var[]::new), rows.toArray(IntTensor[]::new), regWeight / users.size()));
    }
}
