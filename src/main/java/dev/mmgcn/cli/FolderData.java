package dev.mmgcn.cli;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.LoadResult;
import dev.mmgcn.data.MmgcnLoader;
import dev.mmgcn.data.MmrecLoader;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads a {@code --data} folder in MMRec or original-MMGCN format, printing what the loader noticed. */
final class FolderData {
    private FolderData() {
    }

    /** @param needFeatures whether the model reads item features (LightGCN does not) */
    static Dataset load(Args a, boolean needFeatures) {
        Path dir = Path.of(a.get("data", null));
        if (!Files.isDirectory(dir)) throw new DataException("--data: " + dir + " is not a folder");
        String format = a.get("format", null);
        if (format == null) format = detect(dir);
        Map<String, String> modalities = modalityFlags(a);
        LoadResult result = switch (format) {
            case "mmrec" -> {
                if (a.has("item-offset")) throw new Args.UsageException("--item-offset applies to --format mmgcn only");
                String name = a.get("name", null);
                if (name == null) name = MmrecLoader.guessName(dir);
                Map<String, Path> files = new LinkedHashMap<>();
                if (modalities.isEmpty()) files.putAll(MmrecLoader.guessModalities(dir));
                else modalities.forEach((m, f) -> files.put(m, Path.of(f)));
                yield MmrecLoader.load(dir, name, files);
            }
            case "mmgcn" -> {
                MmgcnLoader.Options o = MmgcnLoader.guess(dir);
                if (!modalities.isEmpty()) o = o.withFeatures(modalities).withWordPairs(Map.of());
                if (a.has("item-offset")) {
                    long off = a.getLong("item-offset", 0);
                    if (off < 0) throw new Args.UsageException("--item-offset must be ≥ 0, got " + off);
                    o = o.withItemOffset(off);
                }
                yield MmgcnLoader.load(dir, a.get("name", dir.getFileName().toString()), o);
            }
            default -> throw new Args.UsageException("--format must be mmrec or mmgcn, got '" + format + "'");
        };
        result.report().print(System.err);
        Dataset d = result.dataset();
        if (needFeatures && d.modalities().isEmpty() && d.wordModalities().isEmpty()) {
            d.close();
            throw new DataException(dir + ": no feature modality found; give one with --modality NAME=FILE.npy");
        }
        return d;
    }

    private static Map<String, String> modalityFlags(Args a) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : a.all("modality")) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new Args.UsageException("--modality expects NAME=FILE, got '" + spec + "'");
            }
            String name = spec.substring(0, eq).trim();
            if (out.put(name, spec.substring(eq + 1).trim()) != null) {
                throw new Args.UsageException("--modality " + name + " given twice");
            }
        }
        return out;
    }

    private static String detect(Path dir) {
        try (DirectoryStream<Path> inter = Files.newDirectoryStream(dir, "*.inter")) {
            if (inter.iterator().hasNext()) return "mmrec";
        } catch (java.io.IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage());
        }
        if (Files.exists(dir.resolve("train.npy")) || Files.exists(dir.resolve("train_sample.npy"))) return "mmgcn";
        throw new DataException(dir + ": no .inter file (MMRec) and no train.npy / train_sample.npy (MMGCN); "
                + "is this a dataset folder? Use --format to say which");
    }
}
