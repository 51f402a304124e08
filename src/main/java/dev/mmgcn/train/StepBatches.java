package dev.mmgcn.train;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.model.Batch;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Scope;

/**
 * An epoch's (user, positive, negative) triples laid out step by step — step b's users, positive rows,
 * negative rows, positive items and negative items side by side — made on the host from the epoch's
 * {@link EpochPlan} and uploaded once (the epoch's only host-to-backend copy); each step then copies its
 * block, backend to backend, into one fixed buffer that every step's compute reads.
 */
final class StepBatches {
    /** Segments of a step's index block: users, positive rows, negative rows, positive items, negative items. */
    private static final int SEGMENTS = 5;

    private final Kernels kernels;
    private final EpochPlan plan;
    private final int batchSize, numUsers;
    /** The epoch's triples on the host, as the plan fills them. */
    private final IntTensor usersHost, posHost, negHost;
    /** The step-by-step layout on the host and on the backend. */
    private final IntTensor layoutHost, layout;
    /** The current step's indices. */
    private final IntTensor step;

    StepBatches(Kernels kernels, EpochPlan plan, int batchSize, int numUsers, HostScope host, Scope scope) {
        this.kernels = kernels;
        this.plan = plan;
        this.batchSize = batchSize;
        this.numUsers = numUsers;
        int n = plan.pairs();
        usersHost = host.ints(n, 1);
        posHost = host.ints(n, 1);
        negHost = host.ints(n, 1);
        layoutHost = host.ints(SEGMENTS * n, 1);
        layout = scope.ints(SEGMENTS * n, 1);
        step = scope.ints(SEGMENTS * Math.min(batchSize, n), 1);
    }

    /** Steps of an epoch. */
    int steps() {
        return plan.batches(batchSize);
    }

    /** Makes epoch {@code epoch}'s plan (a function of the seed and the epoch) and uploads its layout. */
    void fill(int epoch) {
        plan.fill(epoch, usersHost, posHost, negHost);
        int pairs = plan.pairs();
        for (int from = 0; from < pairs; from += batchSize) {
            int n = Math.min(batchSize, pairs - from);
            long at = (long) SEGMENTS * from;
            for (int r = 0; r < n; r++) {
                int pos = posHost.getFlat(from + r), neg = negHost.getFlat(from + r);
                layoutHost.setFlat(at + r, usersHost.getFlat(from + r));
                layoutHost.setFlat(at + n + r, pos);
                layoutHost.setFlat(at + 2L * n + r, neg);
                layoutHost.setFlat(at + 3L * n + r, pos - numUsers);
                layoutHost.setFlat(at + 4L * n + r, neg - numUsers);
            }
        }
        kernels.upload(layoutHost, layout);
    }

    /** Copies step {@code b}'s block into the step buffer; returns its number of triples. */
    int copy(int b) {
        int from = b * batchSize;
        int n = Math.min(batchSize, plan.pairs() - from);
        if (n <= 0 || b < 0) throw new IllegalArgumentException("step " + b + " of an epoch of " + steps());
        kernels.copy(layout.rowSlice(SEGMENTS * from, SEGMENTS * (from + n)), step.rowSlice(0, SEGMENTS * n));
        return n;
    }

    /** The current step's n triples, as views of the step buffer. */
    Batch batch(int n) {
        return new Batch(step.rowSlice(0, n), step.rowSlice(n, 2 * n), step.rowSlice(2 * n, 3 * n),
                step.rowSlice(3 * n, 4 * n), step.rowSlice(4 * n, 5 * n));
    }
}
