package dev.mmgcn.model;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.kernels.Kernels;

import java.util.List;
import java.util.function.Consumer;

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

    /**
     * The data as the model reads it: FREEDOM leaves bag-of-words modalities out; each thing the model leaves
     * out is said to {@code note}, one line each.
     */
    public static Dataset readBy(ModelConfig config, Dataset data, Consumer<String> note) {
        switch (config) {
            case MmgcnConfig c -> {
                return data;
            }
            case LightGcnConfig c -> {
                if (!data.modalityNames().isEmpty()) note.accept("LightGCN reads no item features: " + data.modalityNames() + " are not used");
                return data;
            }
            case FreedomConfig c -> {
                if (data.wordModalities().isEmpty()) return data;
                for (var w : data.wordModalities()) {
                    note.accept("modality '" + w.name() + "' is a bag of word ids (" + w.vocabulary()
                            + " words); FREEDOM builds its item graph from dense features, so it is left out");
                }
                return data.withoutWordModalities();
            }
        }
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
