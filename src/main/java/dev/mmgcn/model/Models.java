package dev.mmgcn.model;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.kernels.Kernels;

import java.util.List;

/** Builds the model a {@link ModelConfig} describes, on a dataset. */
public final class Models {
    public static final List<String> KINDS = List.of("mmgcn", "lightgcn", "freedom");

    private Models() {
    }

    /**
     * @param seed initialisation seed
     * @throws IllegalArgumentException when the data lacks what the model needs (FREEDOM: a dense feature modality)
     */
    public static RecModel create(ModelConfig config, Kernels kernels, Dataset data, long seed) {
        return switch (config) {
            case MmgcnConfig c -> new Mmgcn(c, kernels, data.numUsers(), data.numItems(), data.modalities(),
                    data.wordModalities(), data.train(), seed);
            case LightGcnConfig c -> new LightGcn(c, kernels, data.numUsers(), data.numItems(), data.train(), seed);
            case FreedomConfig c -> new Freedom(c, kernels, data.numUsers(), data.numItems(), data.modalities(), data.train(), seed);
        };
    }

    /** Which of the data's modalities the model reads (LightGCN: none; FREEDOM: the dense ones). */
    public static List<String> usedModalities(ModelConfig config, Dataset data) {
        return switch (config) {
            case MmgcnConfig c -> data.modalityNames();
            case LightGcnConfig c -> List.of();
            case FreedomConfig c -> data.modalities().stream().map(dev.mmgcn.data.Modality::name).toList();
        };
    }
}
