package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.SyntheticGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where a command's dataset comes from: a folder in MMRec or original-MMGCN format, or the built-in
 * synthetic generator. The chosen options are recorded in checkpoints ("data.*" keys) so that
 * {@code evaluate} and {@code recommend} can reload the same data without repeating them.
 */
final class DataOptions {
    static final String DEFAULT_DATA_SEED = "7";

    private DataOptions() {
    }

    static Args declare(Args a) {
        return a.option("data", "DIR", "dataset folder (MMRec .inter + .npy, or original MMGCN .npy files); default: built-in synthetic")
                .option("format", "FMT", "mmrec | mmgcn (default: detected from the folder)")
                .option("name", "NAME", "MMRec dataset name, i.e. NAME.inter (default: the folder's only .inter file)")
                .repeatable("modality", "NAME=FILE", "a feature file for a modality, e.g. visual=image_feat.npy (repeatable)")
                .option("modalities", "LIST", "use only these modalities, e.g. visual,acoustic")
                .option("item-offset", "N", "original MMGCN files: subtract N from item ids (the official full files use the user count)")
                .option("synthetic", "PRESET", "synthetic preset when no --data: default, tiny, movielens, tiktok, kwai")
                .option("data-seed", "N", "seed of the synthetic generator (default " + DEFAULT_DATA_SEED + ")");
    }

    /** The data options as "data.*" properties, for a checkpoint header. */
    static Properties record(Args a) {
        Properties p = new Properties();
        for (String key : List.of("data", "format", "name", "modalities", "item-offset", "synthetic", "data-seed")) {
            String v = a.get(key, null);
            if (v != null) p.setProperty("data." + key, key.equals("data") ? java.nio.file.Path.of(v).toAbsolutePath().toString() : v);
        }
        List<String> mods = a.all("modality");
        if (!mods.isEmpty()) p.setProperty("data.modality", String.join(";", mods));
        return p;
    }

    /** Rebuilds command-line data options from a checkpoint header, for options the user did not give again. */
    static List<String> replay(Properties header, Args given) {
        List<String> argv = new ArrayList<>();
        boolean userGaveData = given.has("data") || given.has("synthetic");
        if (userGaveData) return argv;
        for (String key : List.of("data", "format", "name", "modalities", "item-offset", "synthetic", "data-seed")) {
            String v = header.getProperty("data." + key);
            if (v != null && !given.has(key)) {
                argv.add("--" + key);
                argv.add(v);
            }
        }
        String mods = header.getProperty("data.modality");
        if (mods != null && given.all("modality").isEmpty()) {
            for (String m : mods.split(";")) {
                argv.add("--modality");
                argv.add(m);
            }
        }
        return argv;
    }

    static Dataset load(Args a) {
        return load(a, true);
    }

    /** @param needFeatures false for a model that reads no item features: a folder with interactions only is then enough */
    static Dataset load(Args a, boolean needFeatures) {
        Dataset d;
        if (a.has("data")) {
            d = FolderData.load(a, needFeatures);
        } else {
            SyntheticGenerator.Spec spec = SyntheticGenerator.preset(a.get("synthetic", "default"));
            long seed = a.getLong("data-seed", Long.parseLong(DEFAULT_DATA_SEED));
            d = SyntheticGenerator.generate(spec, seed);
        }
        String subset = a.get("modalities", null);
        if (subset != null) {
            List<String> names = List.of(subset.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) throw new Args.UsageException("--modalities needs at least one modality name");
            return d.withModalities(names);
        }
        return d;
    }
}
