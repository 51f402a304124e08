package dev.mmgcn.api;

import dev.mmgcn.data.SeenItems;
import dev.mmgcn.eval.Ranker;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The model's tables in host memory and the engine's ranking on them: one query row against all items
 * (gather, GEMM, mask, top-K on the caller's thread, with a pooled workspace so that a call allocates
 * nothing off-heap), or a batch through {@link Ranker} on the multithreaded kernels. Never a users ×
 * items matrix. Thread-safe: the tables are read-only and each call has its own workspace.
 */
final class Scorer implements AutoCloseable {
    /** Ranked item indices best first, with their scores; {@code count} excludes masked (−∞) tail entries. */
    record Ranked(int[] items, float[] scores, int count) {
    }

    private final Kernels single;
    private final Kernels batch;
    private final HostScope scope = new HostScope();
    private final int numUsers, numItems, dim;
    private final Tensor users, items, unitItems;
    private final CsrMatrix seen, self;
    private final ConcurrentLinkedDeque<Workspace> pool = new ConcurrentLinkedDeque<>();

    /** Buffers for one single-row call. */
    private final class Workspace {
        final IntTensor index = scope.ints(1, 1);
        final Tensor query = scope.floats(1, dim);
        final Tensor scores = scope.floats(1, numItems);
        final IntTensor topIndex = scope.ints(1, numItems);
        final Tensor topValue = scope.floats(1, numItems);
    }

    /**
     * @param representation (users + items) × dim, users first
     * @param single         kernels for single-row calls, run on the caller's thread
     * @param batch          kernels for batch calls
     */
    Scorer(float[] representation, int numUsers, int numItems, int dim, SeenItems seenItems, Kernels single, Kernels batch) {
        this.single = single;
        this.batch = batch;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.dim = dim;
        Tensor all = scope.floats(numUsers + numItems, dim);
        all.copyFrom(representation);
        this.users = all.rowSlice(0, numUsers);
        this.items = all.rowSlice(numUsers, numUsers + numItems);
        this.unitItems = scope.floats(numItems, dim);
        single.rowL2Normalize(items, 1e-12f, unitItems, scope.floats(numItems, 1));
        this.seen = seenItems.toCsr(scope);
        int[] ptr = new int[numItems + 1], col = new int[numItems];
        for (int i = 0; i < numItems; i++) {
            ptr[i + 1] = i + 1;
            col[i] = i;
        }
        this.self = CsrMatrix.of(scope, numItems, numItems, ptr, col, null);
    }

    int numItems() { return numItems; }

    /** The k best items for user {@code u}, training items left out when {@code excludeSeen}. */
    Ranked recommend(int u, int k, boolean excludeSeen) {
        return topK(users, u, items, excludeSeen ? seen : null, k);
    }

    /** The k items whose representations have the highest cosine with item {@code i}'s, itself left out. */
    Ranked similar(int i, int k) {
        return topK(unitItems, i, unitItems, self, Math.min(k, numItems - 1));
    }

    /** ⟨user u, item⟩ for each listed item: the same product {@link #recommend} ranks. */
    float[] score(int u, int[] itemIndices) {
        Workspace w = borrow();
        try {
            row(w, users, u, items);
            float[] out = new float[itemIndices.length];
            for (int j = 0; j < out.length; j++) out[j] = w.scores.getFlat(itemIndices[j]);
            return out;
        } finally {
            pool.push(w);
        }
    }

    /** Top-K for many users at once, through the evaluation's blocked {@link Ranker}. */
    Ranked[] recommend(int[] userIndices, int k, boolean excludeSeen) {
        Ranked[] out = new Ranked[userIndices.length];
        try (Ranker r = new Ranker(batch, userIndices, numItems, excludeSeen ? seen : null, k, 1024)) {
            r.rank(users, items, (pos, user, ranked, scores) -> out[pos] = ranked(ranked.clone(), scores.clone()));
        }
        return out;
    }

    private Ranked topK(Tensor queries, int row, Tensor against, CsrMatrix mask, int k) {
        if (k < 1) return new Ranked(new int[0], new float[0], 0);
        Workspace w = borrow();
        try {
            row(w, queries, row, against);
            if (mask != null) single.maskScores(w.scores, mask, row, Float.NEGATIVE_INFINITY);
            w.topIndex.reshape(1, k);
            w.topValue.reshape(1, k);
            single.topK(w.scores, k, w.topIndex, w.topValue);
            int[] idx = new int[k];
            float[] val = new float[k];
            for (int j = 0; j < k; j++) {
                idx[j] = w.topIndex.getFlat(j);
                val[j] = w.topValue.getFlat(j);
            }
            return ranked(idx, val);
        } finally {
            pool.push(w);
        }
    }

    /** w.scores = queries[row] · againstᵀ. */
    private void row(Workspace w, Tensor queries, int row, Tensor against) {
        w.index.setFlat(0, row);
        single.gatherRows(queries, w.index, w.query);
        single.gemm(false, true, 1f, w.query, against, 0f, w.scores);
    }

    private static Ranked ranked(int[] idx, float[] val) {
        int n = 0;
        while (n < val.length && val[n] != Float.NEGATIVE_INFINITY) n++;
        return new Ranked(idx, val, n);
    }

    private Workspace borrow() {
        Workspace w = pool.poll();
        return w != null ? w : new Workspace();
    }

    @Override
    public void close() {
        scope.close();
        single.close();
        if (batch != single) batch.close();
    }
}
