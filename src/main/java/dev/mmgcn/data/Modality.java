package dev.mmgcn.data;

import dev.mmgcn.storage.Tensor;

/** One modality's item features: a host tensor with one row per item (row i = item i). */
public record Modality(String name, Tensor features) {
    public int dim() {
        return features.cols();
    }
}
