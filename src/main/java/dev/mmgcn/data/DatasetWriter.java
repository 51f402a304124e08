package dev.mmgcn.data;

import dev.mmgcn.io.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link Dataset} in MMRec layout, each file through {@link AtomicFile}: {@code <dir>/<name>.inter} (tab-separated
 * {@code userID itemID x_label}, train rows then valid then test) and one little-endian float32
 * {@code <modality>_feat.npy} per modality, which {@link MmrecLoader#load(Path)} finds again.
 *
 * <p>Ids other than the indices themselves ({@link Dataset#userIds()}, {@link Dataset#itemIds()}) go to
 * MMRec-style mapping files {@code u_id_mapping.tsv} / {@code i_id_mapping.tsv} ({@link IdMapFiles}),
 * which the loader reads back. A folder that already holds a mapping file is refused: it would be read
 * with the new data (one this writer replaces is fine).
 *
 * <p>MMRec files do not store the user and item counts: a reader takes the largest id + 1 (items:
 * or the feature row count, if larger). A dataset whose highest-numbered users have no
 * interactions at all, or whose highest items have neither interactions nor features, therefore
 * reads back with smaller counts.
 */
public final class DatasetWriter {
    private DatasetWriter() {
    }

    /** Writes the files, creating {@code dir} if needed; returns modality → feature file, in the dataset's order. */
    public static Map<String, Path> writeMmrec(Dataset d, Path dir) {
        try {
            Files.createDirectories(dir);
            refuseStaleMapping(dir, IdMapFiles.USERS, d.userIds());
            refuseStaleMapping(dir, IdMapFiles.ITEMS, d.itemIds());
            Path inter = dir.resolve(d.name() + ".inter");
            AtomicFile.write(inter, out -> {
                out.write((MmrecLoader.USER + "\t" + MmrecLoader.ITEM + "\t" + MmrecLoader.LABEL + "\n").getBytes(StandardCharsets.US_ASCII));
                Interactions[] splits = {d.train(), d.valid(), d.test()};
                byte[] line = new byte[40];
                for (int s = 0; s < splits.length; s++) {
                    Interactions in = splits[s];
                    for (int k = 0; k < in.size(); k++) {
                        int n = putInt(line, 0, in.users()[k]);
                        line[n++] = '\t';
                        n = putInt(line, n, in.items()[k]);
                        line[n++] = '\t';
                        line[n++] = (byte) ('0' + s);
                        line[n++] = '\n';
                        out.write(line, 0, n);
                    }
                }
            });
            if (!d.userIds().isIdentity()) IdMapFiles.write(dir, IdMapFiles.USERS, "user_id", MmrecLoader.USER, d.userIds());
            if (!d.itemIds().isIdentity()) IdMapFiles.write(dir, IdMapFiles.ITEMS, "item_id", MmrecLoader.ITEM, d.itemIds());
            Map<String, Path> files = new LinkedHashMap<>();
            for (Modality m : d.modalities()) {
                Path f = dir.resolve(m.name() + "_feat.npy");
                Npy.writeFloats(f, m.features());
                files.put(m.name(), f);
            }
            return files;
        } catch (IOException e) {
            throw new DataException("cannot write dataset '" + d.name() + "' to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A mapping file this write would not replace would be read with the new data: refuse before writing anything. */
    private static void refuseStaleMapping(Path dir, String base, IdMap ids) {
        Path existing = IdMapFiles.find(dir, base);
        if (existing != null && (ids.isIdentity() || !existing.getFileName().toString().endsWith(".tsv"))) {
            throw new DataException(existing + " exists and would be read with the new data; write to an empty folder");
        }
    }

    /** Decimal digits of a non-negative int at {@code at}; returns the end position. */
    private static int putInt(byte[] buf, int at, int v) {
        int start = at;
        do {
            buf[at++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return at;
    }
}
