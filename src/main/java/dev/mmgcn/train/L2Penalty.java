package dev.mmgcn.train;

import dev.mmgcn.model.Batch;
import dev.mmgcn.model.Regularised;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/** Σ‖e‖² over the batch's rows of each regularised table: users, positives and negatives as each table is indexed. */
final class L2Penalty {
    private L2Penalty() {
    }

    static Var of(Tape tape, List<Regularised> tables, Batch b) {
        List<Var> terms = new ArrayList<>();
        for (Regularised reg : tables) {
            Var t = reg.table();
            switch (reg.rows()) {
                case NODES -> {
                    terms.add(tape.sumSquares(tape.gather(t, b.users())));
                    terms.add(tape.sumSquares(tape.gather(t, b.posRows())));
                    terms.add(tape.sumSquares(tape.gather(t, b.negRows())));
                }
                case USERS -> terms.add(tape.sumSquares(tape.gather(t, b.users())));
                case ITEMS -> {
                    terms.add(tape.sumSquares(tape.gather(t, b.posItems())));
                    terms.add(tape.sumSquares(tape.gather(t, b.negItems())));
                }
            }
        }
        return tape.sum(terms);
    }
}
