package dev.mmgcn.train;

import dev.mmgcn.model.Batch;
import dev.mmgcn.model.Regularised;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/**
 * weight · Σ‖e‖² over the batch's rows of each regularised table — users, positives and negatives as
 * each table is indexed — as one tape node that never gathers the rows ({@link Tape#rowPenalty}).
 */
final class L2Penalty {
    private L2Penalty() {
    }

    static Var of(Tape tape, List<Regularised> tables, Batch b, float weight) {
        List<Var> vars = new ArrayList<>();
        List<IntTensor> rows = new ArrayList<>();
        for (Regularised reg : tables) {
            Var t = reg.table();
            switch (reg.rows()) {
                case NODES -> {
                    for (IntTensor r : List.of(b.users(), b.posRows(), b.negRows())) {
                        vars.add(t);
                        rows.add(r);
                    }
                }
                case USERS -> {
                    vars.add(t);
                    rows.add(b.users());
                }
                case ITEMS -> {
                    for (IntTensor r : List.of(b.posItems(), b.negItems())) {
                        vars.add(t);
                        rows.add(r);
                    }
                }
            }
        }
        return tape.rowPenalty(vars.toArray(Var[]::new), rows.toArray(IntTensor[]::new), weight);
    }
}
