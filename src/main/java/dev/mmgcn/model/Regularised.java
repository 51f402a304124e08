package dev.mmgcn.model;

import dev.mmgcn.tape.Var;

/**
 * A table under the trainer's L2 penalty and the batch rows of it that the penalty takes.
 *
 * @param table the parameter
 * @param rows  which index of the {@link Batch} gathers its rows
 */
public record Regularised(Var table, Rows rows) {

    public enum Rows {
        /** a table with one row per node (users then items): the batch's users, positives and negatives */
        NODES,
        /** a table with one row per user: the batch's users */
        USERS,
        /** a table with one row per item: the batch's positive and negative items */
        ITEMS
    }
}
