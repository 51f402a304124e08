package dev.mmgcn.train;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.model.BatchRows;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;

import java.util.Arrays;

/**
 * An epoch's (user, positive, negative) triples laid out step by step — step b's users, positive rows,
 * negative rows, positive items and negative items side by side — made on the host from the epoch's
 * {@link EpochPlan} and uploaded once (the epoch's only host-to-backend copy); each step then copies its
 * block, backend to backend, into one fixed buffer that every step's compute reads.
 *
 * <p>For a model that computes R at a batch's rows alone ({@link dev.mmgcn.model.RecModel#forwardRows}),
 * each step's block goes on with its {@link BatchRows}: the triples' positions in the compact R (users,
 * positives, negatives), then the step's distinct nodes in increasing order — still one upload per epoch
 * and one copy per step. On a backend that may replay a step ({@code Kernels.replayable}) the nodes are
 * padded, by repeating the last, to the most a step of its size can touch ({@link #rowBound}), so that
 * every step of one size runs the same shapes.
 */
final class StepBatches {
    /** Segments of a step's index block: users, positive rows, negative rows, positive items, negative items. */
    private static final int SEGMENTS = 5;
    /** Segments of the positions that follow them when steps get their rows: users, positives, negatives. */
    private static final int POSITIONS = 3;

    private final Kernels kernels;
    private final EpochPlan plan;
    private final int batchSize, numUsers, numItems;
    /** Whether steps get their rows, and whether those are padded to {@link #rowBound}. */
    private final boolean rows, padded;
    /** The epoch's triples on the host, as the plan fills them. */
    private final IntTensor usersHost, posHost, negHost;
    /** The step-by-step layout on the host and on the backend; step b's block starts at {@code blockFrom[b]}. */
    private final IntTensor layoutHost, layout;
    private final long[] blockFrom;
    /** The current step's block. */
    private final IntTensor step;
    /** Each step's node count (distinct, or padded); with rows only. */
    private final int[] rowCount;
    /** Scratch of {@link #fill}: the step that last saw each node, a node's position, a step's nodes; with rows only. */
    private final int[] seenIn, position, nodes;
    /** The current step's node count. */
    private int currentRows;

    /**
     * @param rows    whether each step also gets its {@link BatchRows}
     * @param padRows whether those are padded to {@link #rowBound} (for a backend that replays steps)
     */
    StepBatches(Kernels kernels, EpochPlan plan, int batchSize, int numUsers, int numItems, boolean rows, boolean padRows,
                HostScope host, Scope scope) {
        this.kernels = kernels;
        this.plan = plan;
        this.batchSize = batchSize;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.rows = rows;
        this.padded = padRows;
        int n = plan.pairs();
        usersHost = host.ints(n, 1);
        posHost = host.ints(n, 1);
        negHost = host.ints(n, 1);
        int steps = steps();
        blockFrom = new long[steps + 1];
        for (int b = 0; b < steps; b++) blockFrom[b + 1] = blockFrom[b] + blockLength(size(b));
        layoutHost = host.ints(Math.toIntExact(blockFrom[steps]), 1);
        layout = scope.ints(Math.toIntExact(blockFrom[steps]), 1);
        step = scope.ints(blockLength(size(0)), 1);
        rowCount = rows ? new int[steps] : null;
        seenIn = rows ? new int[numUsers + numItems] : null;
        position = rows ? new int[numUsers + numItems] : null;
        nodes = rows ? new int[rowBound(size(0))] : null;
    }

    /** Steps of an epoch. */
    int steps() {
        return plan.batches(batchSize);
    }

    /** Triples of step b (the last one may be shorter). */
    private int size(int b) {
        return Math.min(batchSize, plan.pairs() - b * batchSize);
    }

    /** The most distinct nodes a step of {@code size} triples can touch: its users, and its positives and negatives. */
    int rowBound(int size) {
        return Math.min(numUsers + numItems, Math.min(numUsers, size) + Math.min(numItems, 2 * size));
    }

    /** Room for a step of {@code size} triples: its segments, and with rows the positions and the most nodes. */
    private int blockLength(int size) {
        return SEGMENTS * size + (rows ? POSITIONS * size + rowBound(size) : 0);
    }

    /** Makes epoch {@code epoch}'s plan (a function of the seed and the epoch) and uploads its layout. */
    void fill(int epoch) {
        plan.fill(epoch, usersHost, posHost, negHost);
        if (rows) Arrays.fill(seenIn, 0);
        for (int b = 0; b < steps(); b++) {
            int n = size(b), from = b * batchSize;
            long at = blockFrom[b];
            for (int r = 0; r < n; r++) {
                int pos = posHost.getFlat(from + r), neg = negHost.getFlat(from + r);
                layoutHost.setFlat(at + r, usersHost.getFlat(from + r));
                layoutHost.setFlat(at + n + r, pos);
                layoutHost.setFlat(at + 2L * n + r, neg);
                layoutHost.setFlat(at + 3L * n + r, pos - numUsers);
                layoutHost.setFlat(at + 4L * n + r, neg - numUsers);
            }
            if (rows) rowCount[b] = fillRows(b, from, n, at + (long) SEGMENTS * n);
        }
        kernels.upload(layoutHost, layout);
    }

    /** Step b's positions and distinct nodes (see the class comment) from {@code at}; returns the node count. */
    private int fillRows(int b, int from, int n, long at) {
        IntTensor[] sides = {usersHost, posHost, negHost};
        int m = 0;
        for (IntTensor side : sides) {
            for (int r = 0; r < n; r++) {
                int node = side.getFlat(from + r);
                if (seenIn[node] != b + 1) {
                    seenIn[node] = b + 1;
                    nodes[m++] = node;
                }
            }
        }
        Arrays.sort(nodes, 0, m);
        for (int k = 0; k < m; k++) position[nodes[k]] = k;
        for (int s = 0; s < POSITIONS; s++) {
            for (int r = 0; r < n; r++) layoutHost.setFlat(at + (long) s * n + r, position[sides[s].getFlat(from + r)]);
        }
        int count = padded ? rowBound(n) : m;
        for (int k = 0; k < count; k++) layoutHost.setFlat(at + (long) POSITIONS * n + k, nodes[Math.min(k, m - 1)]);
        return count;
    }

    /** Copies step {@code b}'s block into the step buffer; returns its number of triples. */
    int copy(int b) {
        if (b < 0 || b >= steps()) throw new IllegalArgumentException("step " + b + " of an epoch of " + steps());
        int n = size(b);
        currentRows = rows ? rowCount[b] : 0;
        int length = SEGMENTS * n + (rows ? POSITIONS * n + currentRows : 0);
        int from = Math.toIntExact(blockFrom[b]);
        kernels.copy(layout.rowSlice(from, from + length), step.rowSlice(0, length));
        return n;
    }

    /** The current step's n triples, as views of the step buffer. */
    Batch batch(int n) {
        return new Batch(step.rowSlice(0, n), step.rowSlice(n, 2 * n), step.rowSlice(2 * n, 3 * n),
                step.rowSlice(3 * n, 4 * n), step.rowSlice(4 * n, 5 * n));
    }

    /** The current step's rows (its n triples' positions and its nodes), as views of the step buffer; null when steps get none. */
    BatchRows rows(int n) {
        if (!rows) return null;
        int p = SEGMENTS * n;
        return new BatchRows(step.rowSlice(p + POSITIONS * n, p + POSITIONS * n + currentRows), step.rowSlice(p, p + n),
                step.rowSlice(p + n, p + 2 * n), step.rowSlice(p + 2 * n, p + 3 * n));
    }
}
