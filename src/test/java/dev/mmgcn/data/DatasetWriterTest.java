package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetWriterTest {
    @TempDir
    Path dir;

    /** Random distinct pairs per split; the last user and item are used so the counts survive the trip. */
    private static Dataset random(Random rnd, int users, int items, Scope scope) {
        java.util.Set<Long> used = new java.util.HashSet<>();
        Interactions[] splits = new Interactions[3];
        int[] sizes = {120, 17, 19};
        if (users * items < 2 * (120 + 17 + 19)) throw new IllegalArgumentException("too few pairs to draw from");
        for (int s = 0; s < 3; s++) {
            int[] u = new int[sizes[s]];
            int[] i = new int[sizes[s]];
            for (int k = 0; k < sizes[s]; k++) {
                do {
                    u[k] = k == 0 && s == 0 ? users - 1 : rnd.nextInt(users);
                    i[k] = k == 1 && s == 0 ? items - 1 : rnd.nextInt(items);
                } while (!used.add(((long) u[k] << 32) | i[k]));
            }
            splits[s] = new Interactions(u, i);
        }
        Tensor visual = scope.floats(items, 17);
        Tensor acoustic = scope.floats(items, 3);
        for (Tensor t : List.of(visual, acoustic)) for (long k = 0; k < t.size(); k++) t.setFlat(k, (float) rnd.nextGaussian());
        return new Dataset("synthetic", users, items, splits[0], splits[1], splits[2],
                List.of(new Modality("visual", visual), new Modality("acoustic", acoustic)), scope);
    }

    @Test
    void writeThenLoadGivesTheSameDataset() throws Exception {
        try (Dataset d = random(new Random(11), 23, 31, new HostScope())) {
            Map<String, Path> files = DatasetWriter.writeMmrec(d, dir.resolve("out"));
            assertEquals(List.of("visual", "acoustic"), List.copyOf(files.keySet()));
            assertTrue(Files.isRegularFile(dir.resolve("out/synthetic.inter")));
            assertEquals(dir.resolve("out/visual_feat.npy"), files.get("visual"));
            try (LoadResult r = MmrecLoader.load(dir.resolve("out"), "synthetic", files)) {
                Dataset back = r.dataset();
                assertEquals(d.numUsers(), back.numUsers());
                assertEquals(d.numItems(), back.numItems());
                for (String split : List.of("train", "valid", "test")) {
                    Interactions a = pick(d, split);
                    Interactions b = pick(back, split);
                    assertArrayEquals(a.users(), b.users(), split);
                    assertArrayEquals(a.items(), b.items(), split);
                }
                assertEquals(d.modalityNames(), back.modalityNames());
                for (String m : d.modalityNames()) {
                    assertArrayEquals(d.modality(m).features().toArray(), back.modality(m).features().toArray(), m);
                }
                assertEquals(List.of(), r.report().warnings());
            }
            // guessing finds the written files too (non-standard names come in file-name order)
            try (LoadResult r = MmrecLoader.load(dir.resolve("out"))) {
                assertEquals(List.of("acoustic", "visual"), r.dataset().modalityNames());
            }
        }
    }

    @Test
    void overwritesAnEarlierExport() throws Exception {
        try (Dataset a = random(new Random(1), 23, 31, new HostScope());
             Dataset b = random(new Random(2), 23, 31, new HostScope())) {
            DatasetWriter.writeMmrec(a, dir);
            Map<String, Path> files = DatasetWriter.writeMmrec(b, dir);
            try (LoadResult r = MmrecLoader.load(dir, "synthetic", files)) {
                assertArrayEquals(b.train().items(), r.dataset().train().items());
            }
            try (var s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary files left");
            }
        }
    }

    private static Interactions pick(Dataset d, String split) {
        return switch (split) {
            case "train" -> d.train();
            case "valid" -> d.valid();
            default -> d.test();
        };
    }

    @Test
    void rewritingReplacesEveryFileWholeAndLeavesNoTemporaries() throws Exception {
        Path out = dir.resolve("out");
        try (Dataset a = random(new Random(1), 23, 31, new HostScope()); Dataset b = random(new Random(2), 23, 31, new HostScope())) {
            DatasetWriter.writeMmrec(a, out);
            DatasetWriter.writeMmrec(b, out);
            try (var listing = Files.list(out)) {
                assertEquals(List.of("acoustic_feat.npy", "synthetic.inter", "visual_feat.npy"),
                        listing.map(p -> p.getFileName().toString()).sorted().toList(), "no .tmp or temporary left beside the files");
            }
            try (LoadResult r = MmrecLoader.load(out, "synthetic", MmrecLoader.guessModalities(out))) {
                assertArrayEquals(b.train().users(), r.dataset().train().users(), "the second write's content, whole");
            }
            for (String f : List.of("synthetic.inter", "visual_feat.npy")) {
                assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))));
            }
        }
    }

    @Test
    void aWriteIntoAFolderThatIsAFileNamesThePath() throws Exception {
        Path file = dir.resolve("taken");
        Files.writeString(file, "x");
        try (Dataset d = random(new Random(3), 23, 31, new HostScope())) {
            DataException e = org.junit.jupiter.api.Assertions.assertThrows(DataException.class, () -> DatasetWriter.writeMmrec(d, file));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }
}
