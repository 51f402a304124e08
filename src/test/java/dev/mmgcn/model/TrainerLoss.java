package dev.mmgcn.model;

import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;

/** The trainer's loss for one batch, composed on a tape the same way {@code Trainer.step} does, for gradient checks. */
final class TrainerLoss {
    private TrainerLoss() {
    }

    static Var of(Tape t, RecModel model, Batch b, float reg) {
        Var r = model.forward(t);
        Var ru = t.gather(r, b.users());
        Var loss = t.bprLoss(t.rowDot(ru, t.gather(r, b.posRows())), t.rowDot(ru, t.gather(r, b.negRows())));
        List<Var> terms = new ArrayList<>();
        for (Regularised g : model.regularised()) {
            switch (g.rows()) {
                case NODES -> {
                    terms.add(t.sumSquares(t.gather(g.table(), b.users())));
                    terms.add(t.sumSquares(t.gather(g.table(), b.posRows())));
                    terms.add(t.sumSquares(t.gather(g.table(), b.negRows())));
                }
                case USERS -> terms.add(t.sumSquares(t.gather(g.table(), b.users())));
                case ITEMS -> {
                    terms.add(t.sumSquares(t.gather(g.table(), b.posItems())));
                    terms.add(t.sumSquares(t.gather(g.table(), b.negItems())));
                }
            }
        }
        if (reg > 0 && !terms.isEmpty()) loss = t.add(loss, t.scale(t.sum(terms), reg / b.size()));
        Var extra = model.extraLoss(t, r, b);
        return extra == null ? loss : t.add(loss, extra);
    }
}
