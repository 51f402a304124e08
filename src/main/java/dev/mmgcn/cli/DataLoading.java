package dev.mmgcn.cli;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.LoadResult;
import dev.mmgcn.data.MmgcnLoader;
import dev.mmgcn.data.MmrecLoader;
import dev.mmgcn.data.SyntheticGenerator;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the dataset a {@link DataSpec} describes. {@link #check} looks at the folder and the files it
 * will read before any of them is read, so that a wrong path fails at once, naming the option (or the
 * checkpoint or config file the path came from).
 */
final class DataLoading {
    private DataLoading() {
    }

    /** What {@link #check} found out: the format, the files that will be read, and which of them are dense features. */
    record Plan(String format, List<Path> files, List<Path> features) {
        long bytes() {
            long n = 0;
            for (Path p : files) {
                try {
                    n += Files.size(p);
                } catch (IOException ignored) {
                    // counted as 0: only used for progress
                }
            }
            return n;
        }
    }

    /** Checks the folder and its files exist and can be read; reads nothing but the folder listing. */
    static Plan check(DataSpec spec, Settings where) {
        if (spec.isSynthetic()) {
            try {
                SyntheticGenerator.preset(spec.synthetic());
            } catch (IllegalArgumentException e) {
                throw Failure.usage(where.where(DataSpec.SYNTHETIC) + ": " + e.getMessage());
            }
            return new Plan("synthetic", List.of(), List.of());
        }
        Path dir = spec.folder();
        String flag = where.where(DataSpec.DATA);
        Source source = where.source(DataSpec.DATA);
        String elsewhere = source.commandLine() ? "" : "; the data may have moved: pass --data DIR to load it from where it is now";
        if (!Files.exists(dir)) {
            // a path recorded in a checkpoint that is gone (the data moved) is a path that cannot be read, exit 4;
            // one given now (an option, a config file) is a wrong option, exit 2
            String m = flag + ": " + dir + " does not exist" + elsewhere;
            throw source.recorded() ? Failure.io(m, null) : Failure.usage(m);
        }
        if (!Files.isDirectory(dir)) throw Failure.usage(flag + ": " + dir + " is a file, not a dataset folder" + elsewhere);
        if (!Files.isReadable(dir)) throw Failure.io(flag + ": " + dir + ": permission denied", null);
        String format = spec.format() != null ? spec.format() : detect(dir, flag);
        if (format.equals("mmrec") && spec.itemOffset() != null) {
            throw Failure.usage(where.where(DataSpec.ITEM_OFFSET) + " applies to the original MMGCN files only, and " + dir
                    + " is in MMRec format (ids there start at 0 for users and items)");
        }
        List<Path> files = new ArrayList<>();
        List<Path> features = new ArrayList<>();
        if (format.equals("mmrec")) {
            String name;
            try {
                name = spec.name() != null ? spec.name() : MmrecLoader.guessName(dir);
            } catch (DataException e) {
                throw Failure.usage(flag + ": " + e.getMessage() + " with --name");
            }
            Path inter = dir.resolve(name + ".inter");
            if (!Files.isRegularFile(inter)) {
                throw Failure.usage(where.where(DataSpec.NAME) + ": " + inter + " does not exist");
            }
            files.add(inter);
            Map<String, Path> mods = spec.modalityFiles() != null ? asPaths(spec.modalityFiles()) : MmrecLoader.guessModalities(dir);
            for (Map.Entry<String, Path> e : mods.entrySet()) features.add(dir.resolve(e.getValue()));
        } else {
            if (spec.modalityFiles() != null) for (String f : spec.modalityFiles().values()) features.add(dir.resolve(f));
        }
        files.addAll(features);
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw Failure.usage(where.where(DataSpec.MODALITY) + ": " + f + " does not exist");
            }
            if (!Files.isRegularFile(f)) throw Failure.usage(where.where(DataSpec.MODALITY) + ": " + f + " is a folder, not a feature file");
            if (!Files.isReadable(f)) throw Failure.io(f + ": permission denied", null);
        }
        return new Plan(format, files, features);
    }

    /** Loads the data; what the loader noticed (duplicates, cold items, …) goes to {@code log}. */
    static Dataset load(DataSpec spec, Settings where, PrintStream log) {
        return load(spec, where, log, true);
    }

    /** @param needFeatures false for a model that reads no item features (LightGCN): interactions alone are then enough */
    static Dataset load(DataSpec spec, Settings where, PrintStream log, boolean needFeatures) {
        Plan plan = check(spec, where);
        Dataset d;
        if (spec.isSynthetic()) {
            d = SyntheticGenerator.generate(SyntheticGenerator.preset(spec.synthetic()), spec.dataSeed());
        } else {
            d = loadFolder(spec, plan, log, needFeatures);
        }
        if (spec.modalities() != null) {
            try {
                return d.withModalities(spec.modalities());
            } catch (DataException e) {
                d.close();
                throw Failure.usage(where.where(DataSpec.MODALITIES) + ": " + e.getMessage());
            }
        }
        return d;
    }

    private static Dataset loadFolder(DataSpec spec, Plan plan, PrintStream log, boolean needFeatures) {
        Path dir = spec.folder();
        LoadResult result = switch (plan.format()) {
            case "mmrec" -> {
                String name = spec.name() != null ? spec.name() : MmrecLoader.guessName(dir);
                Map<String, Path> files = spec.modalityFiles() != null ? asPaths(spec.modalityFiles()) : MmrecLoader.guessModalities(dir);
                yield MmrecLoader.load(dir, name, files);
            }
            case "mmgcn" -> {
                MmgcnLoader.Options o = MmgcnLoader.guess(dir);
                if (spec.modalityFiles() != null) o = o.withFeatures(spec.modalityFiles()).withWordPairs(Map.of());
                if (spec.itemOffset() != null) o = o.withItemOffset(spec.itemOffset());
                yield MmgcnLoader.load(dir, spec.name() != null ? spec.name() : dir.getFileName().toString(), o);
            }
            default -> throw new IllegalStateException("format " + plan.format());
        };
        result.report().print(log);
        Dataset d = result.dataset();
        if (needFeatures && d.modalities().isEmpty() && d.wordModalities().isEmpty()) {
            d.close();
            throw new DataException(dir + ": no feature modality found; give one with --modality NAME=FILE.npy");
        }
        return d;
    }

    /** The dataset's name as a run folder will be called, without loading it. */
    static String name(DataSpec spec) {
        if (spec.isSynthetic()) return SyntheticGenerator.preset(spec.synthetic()).name();
        if (spec.name() != null) return spec.name();
        Path f = spec.folder().getFileName();
        return f == null ? "data" : f.toString();
    }

    private static Map<String, Path> asPaths(Map<String, String> files) {
        Map<String, Path> out = new LinkedHashMap<>();
        files.forEach((m, f) -> out.put(m, Path.of(f)));
        return out;
    }

    private static String detect(Path dir, String flag) {
        try (DirectoryStream<Path> inter = Files.newDirectoryStream(dir, "*.inter")) {
            if (inter.iterator().hasNext()) return "mmrec";
        } catch (IOException e) {
            throw Failure.io(flag + ": cannot list " + dir + ": " + FileErrors.reason(e), e);
        }
        if (Files.exists(dir.resolve("train.npy")) || Files.exists(dir.resolve("train_sample.npy"))) return "mmgcn";
        throw Failure.usage(flag + ": " + dir + " has no .inter file (MMRec) and no train.npy / train_sample.npy (MMGCN); "
                + "is this a dataset folder? --format says which layout it has");
    }
}
