package dev.mmgcn.data;

import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One modality's item features: a host tensor with one row per item (row i = item i). */
public record Modality(String name, Tensor features) {
    public int dim() {
        return features.cols();
    }

    /** The features of each named {@code .npy} file, in the map's order, read into {@code scope}. */
    static List<Modality> readAll(Map<String, Path> files, Scope scope) {
        List<Modality> mods = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) mods.add(new Modality(e.getKey(), Npy.readFloats(e.getValue(), scope)));
        return mods;
    }
}
