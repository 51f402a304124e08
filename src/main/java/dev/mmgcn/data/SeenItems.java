package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Scope;

import java.util.Arrays;

/**
 * Each user's training items as a CSR on the Java heap: user {@code u}'s items are
 * {@code items[rowPtr[u] .. rowPtr[u+1])}, sorted and distinct. What a model artefact keeps so that
 * recommending needs no dataset.
 */
public record SeenItems(int numUsers, int numItems, int[] rowPtr, int[] items) {
    public SeenItems {
        if (rowPtr.length != numUsers + 1 || rowPtr[0] != 0 || rowPtr[numUsers] != items.length) {
            throw new IllegalArgumentException("seen items: row pointers do not fit " + numUsers + " users and " + items.length + " items");
        }
        for (int u = 0; u < numUsers; u++) {
            if (rowPtr[u + 1] < rowPtr[u]) throw new IllegalArgumentException("seen items: row pointers decrease at user " + u);
            for (int k = rowPtr[u]; k < rowPtr[u + 1]; k++) {
                if (items[k] < 0 || items[k] >= numItems) throw new IllegalArgumentException("seen items: item " + items[k] + " of user " + u + " out of range");
                if (k > rowPtr[u] && items[k] <= items[k - 1]) throw new IllegalArgumentException("seen items of user " + u + " are not sorted and distinct");
            }
        }
    }

    /** The distinct (user, item) pairs of {@code split}. */
    public static SeenItems of(int numUsers, int numItems, Interactions split) {
        Interactions pairs = split.distinct(numItems);
        int[] ptr = new int[numUsers + 1];
        for (int u : pairs.users()) ptr[u + 1]++;
        for (int u = 0; u < numUsers; u++) ptr[u + 1] += ptr[u];
        return new SeenItems(numUsers, numItems, ptr, pairs.items());
    }

    /** How many distinct items user {@code u} has. */
    public int count(int u) { return rowPtr[u + 1] - rowPtr[u]; }

    /** User {@code u}'s items, sorted. */
    public int[] itemsOf(int u) { return Arrays.copyOfRange(items, rowPtr[u], rowPtr[u + 1]); }

    /** Whether user {@code u} has item {@code i}. */
    public boolean contains(int u, int i) {
        return Arrays.binarySearch(items, rowPtr[u], rowPtr[u + 1], i) >= 0;
    }

    /** The same pattern as a user × item CSR of ones in {@code scope}, for masking scores. */
    public CsrMatrix toCsr(Scope scope) {
        return CsrMatrix.of(scope, numUsers, numItems, rowPtr, items, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeenItems s && s.numUsers == numUsers && s.numItems == numItems
                && Arrays.equals(s.rowPtr, rowPtr) && Arrays.equals(s.items, items);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rowPtr) + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        return "SeenItems[" + numUsers + " users, " + numItems + " items, " + items.length + " pairs]";
    }
}
