package dev.mmgcn.spark;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.MmgcnLoader;
import dev.mmgcn.data.MmrecLoader;
import dev.mmgcn.data.SeenItems;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.train.CheckpointHeader;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The splits of the dataset a checkpoint was trained on, reloaded through the engine's loaders from the
 * checkpoint's {@code data.*} settings (what {@code train} recorded: the folder, its format, name, feature
 * files and item offset, or the synthetic preset and seed), as the engine's {@code evaluate} does. Feature
 * files are read too, because the MMRec loader sizes the catalogue by them. The reloaded data must be the
 * data the model was trained on: same users, items, ids and training pairs, or loading stops saying which
 * differs.
 */
record DatasetSplits(String source, Interactions valid, Interactions test) {

    static DatasetSplits load(ModelInput model, Path dataDir) {
        CheckpointHeader h = model.checkpoint().info();
        String folder = dataDir != null ? dataDir.toString() : h.dataOption("data").orElse(null);
        String source;
        Dataset d;
        if (folder == null) {
            String preset = h.dataOption("synthetic").orElse("default");
            long seed = Long.parseLong(h.dataOption("data-seed").orElse("7"));
            source = "synthetic preset '" + preset + "', seed " + seed;
            d = SyntheticGenerator.generate(SyntheticGenerator.preset(preset), seed);
        } else {
            Path dir = Path.of(folder);
            if (!Files.isDirectory(dir)) {
                throw new CliException((dataDir != null ? "--data: " : "the checkpoint's dataset folder ") + dir
                        + (Files.exists(dir) ? " is not a folder" : " does not exist") + (dataDir != null ? "" : "; give its new place with --data, or use --pairs"));
            }
            source = dir.toString();
            boolean recorded = dataDir == null;
            d = folder(dir, recorded ? h : new CheckpointHeader());
        }
        try (d) {
            check(model, d, source);
            return new DatasetSplits(source, d.valid(), d.test());
        }
    }

    private static Dataset folder(Path dir, CheckpointHeader h) {
        String format = h.dataOption("format").orElse(detect(dir));
        Map<String, Path> files = new LinkedHashMap<>();
        h.modalityFiles().forEach((m, f) -> files.put(m, Path.of(f)));
        return switch (format) {
            case "mmrec" -> {
                String name = h.dataOption("name").orElse(MmrecLoader.guessName(dir));
                if (files.isEmpty()) files.putAll(MmrecLoader.guessModalities(dir));
                yield MmrecLoader.load(dir, name, files).dataset();
            }
            case "mmgcn" -> {
                MmgcnLoader.Options o = MmgcnLoader.guess(dir);
                if (!files.isEmpty()) {
                    Map<String, String> f = new LinkedHashMap<>();
                    files.forEach((m, p) -> f.put(m, p.toString()));
                    o = o.withFeatures(f).withWordPairs(Map.of());
                }
                if (h.dataOption("item-offset").isPresent()) o = o.withItemOffset(Long.parseLong(h.dataOption("item-offset").get()));
                yield MmgcnLoader.load(dir, h.dataOption("name").orElse(dir.getFileName().toString()), o).dataset();
            }
            default -> throw CliException.data("the checkpoint records data format '" + format + "'; mmrec and mmgcn are read");
        };
    }

    private static String detect(Path dir) {
        try (DirectoryStream<Path> inter = Files.newDirectoryStream(dir, "*.inter")) {
            if (inter.iterator().hasNext()) return "mmrec";
        } catch (java.io.IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage());
        }
        if (Files.exists(dir.resolve("train.npy")) || Files.exists(dir.resolve("train_sample.npy"))) return "mmgcn";
        throw CliException.data(dir + ": no .inter file (MMRec) and no train.npy / train_sample.npy (MMGCN): not a dataset folder");
    }

    /** The dataset must be the one the model was trained on, or the training items masked would differ from the evaluation's. */
    private static void check(ModelInput model, Dataset d, String source) {
        if (d.numUsers() != model.users() || d.numItems() != model.items()) {
            throw CliException.data(source + " has " + d.numUsers() + " users and " + d.numItems() + " items, but the checkpoint was trained on "
                    + model.users() + " and " + model.items() + ": give the training data with --data, or the held-out pairs with --pairs");
        }
        if (!d.userIds().equals(model.userIds()) || !d.itemIds().equals(model.itemIds())) {
            throw CliException.data(source + ": the users' or items' ids differ from those the checkpoint was trained with");
        }
        if (!SeenItems.of(d.numUsers(), d.numItems(), d.train()).equals(model.seen())) {
            throw CliException.data(source + ": its training interactions differ from those the checkpoint was trained on");
        }
    }
}
