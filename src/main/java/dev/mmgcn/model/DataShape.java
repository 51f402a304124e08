package dev.mmgcn.model;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Modality;

import java.util.List;

/** The data's shape as a model's memory depends on it: counts and each modality's feature width. */
public record DataShape(long users, long items, long trainPairs, long allPairs, List<Integer> featureDims) {
    public static DataShape of(Dataset data) {
        return new DataShape(data.numUsers(), data.numItems(), data.train().size(),
                (long) data.train().size() + data.valid().size() + data.test().size(), data.modalities().stream().map(Modality::dim).toList());
    }

    public long nodes() { return users + items; }

    /** The rows of a training batch: never more than the training pairs. */
    public double batchRows(int batch) { return Math.min(batch, Math.max(1, trainPairs)); }
}
