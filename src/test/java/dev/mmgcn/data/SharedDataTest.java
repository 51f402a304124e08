package dev.mmgcn.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads the real datasets beside the checkout ({@code ../shared/data}, relative to the project root where
 * the build runs); skipped, with the path in the reason, where they are absent, as on CI. Counts come from
 * the data README, and the toy sets are compared pair by pair with the plain-text copies in their
 * {@code expected/} folders.
 */
class SharedDataTest {
    /** The shared data beside the checkout; no other place is looked in, so a run never reads data it was not given. */
    private static final Path SHARED = Path.of("../shared/data");

    private static Path require(String sub) {
        Path root = SHARED;
        Assumptions.assumeTrue(Files.isDirectory(root), () -> "no shared data at " + root.toAbsolutePath().normalize());
        Path p = root.resolve(sub);
        Assumptions.assumeTrue(Files.isDirectory(p), "no " + p);
        return p;
    }

    @Test
    void toyMovielensMatchesExpectedText() throws IOException {
        Path dir = require("mmgcn-toy/movielens");
        MmgcnLoader.Options o = MmgcnLoader.guess(dir);
        assertEquals(Map.of("acoustic", "a_feat_sample.npy", "textual", "t_feat_sample.npy"), o.features());
        try (LoadResult r = MmgcnLoader.load(dir, "movielens-toy", o)) {
            checkAgainstExpected(r.dataset(), dir.resolve("expected"));
            assertEquals(1141, r.dataset().numItems(), "feature rows");
            assertEquals(100, r.dataset().numUsers());
            assertEquals(List.of("acoustic", "textual"), r.dataset().modalityNames());
            assertEquals(128, r.dataset().modality("acoustic").dim());
            assertEquals(100, r.dataset().modality("textual").dim());
            assertTrue(r.report().notes().stream().anyMatch(n -> n.contains("agrees")), r.report().toString());
            assertTrue(r.wordModalities().isEmpty());
        }
    }

    @Test
    void toyTiktokMatchesExpectedTextAndKeepsWordPairs() throws IOException {
        Path dir = require("mmgcn-toy/tiktok");
        MmgcnLoader.Options o = MmgcnLoader.guess(dir);
        assertEquals(Map.of("textual", "t_item_word_pairs_int64.npy"), o.wordPairs());
        try (LoadResult r = MmgcnLoader.load(dir, "tiktok-toy", o)) {
            checkAgainstExpected(r.dataset(), dir.resolve("expected"));
            assertEquals(1651, r.dataset().numItems());
            assertEquals(List.of("visual", "acoustic"), r.dataset().modalities().stream().map(dev.mmgcn.data.Modality::name).toList());
            assertEquals(List.of("visual", "acoustic", "textual"), r.dataset().modalityNames(), "the word bag is a modality of the dataset");
            BagOfWords bow = r.wordModalities().getFirst();
            assertEquals(12950, bow.pairs());
            assertEquals(1651, bow.numItems());
            // every row of a mean-pooling matrix sums to 1 (or is empty)
            int[] ptr = bow.itemWords().rowPtr().toArray();
            float[] val = bow.itemWords().values().toArray();
            for (int i = 0; i < bow.numItems(); i++) {
                double sum = 0;
                for (int k = ptr[i]; k < ptr[i + 1]; k++) sum += val[k];
                assertTrue(ptr[i] == ptr[i + 1] || Math.abs(sum - 1) < 1e-5, "row " + i + " sums to " + sum);
            }
            // the README: this sample's valid split is a subset of train, which the report must say
            assertTrue(r.report().warnings().stream().anyMatch(w -> w.contains("212 of 212 valid interactions also appear in train")),
                    r.report().toString());
            r.report().print(System.out);
        }
    }

    @Test
    void tiktokMmrecCounts() {
        Path dir = require("tiktok");
        long t0 = System.nanoTime();
        try (LoadResult r = MmrecLoader.load(dir)) {
            long t1 = System.nanoTime();
            System.out.printf("tiktok loaded in %.0f ms: %s%n", (t1 - t0) / 1e6, r.dataset().summary());
            r.report().print(System.out);
            Dataset d = r.dataset();
            assertEquals(9308, d.numUsers());
            assertEquals(6710, d.numItems());
            assertEquals(59541, d.train().size());
            assertEquals(3051, d.valid().size());
            assertEquals(6130, d.test().size());
            assertEquals(List.of("visual", "acoustic"), d.modalityNames());
            assertEquals(128, d.modality("visual").dim());
            assertEquals(List.of(), r.report().warnings());
            assertTrue(r.report().notes().contains("test: 340 items never occur in train (cold items: only features can rank them)"),
                    r.report().toString());
        }
    }

    @Test
    void microlensMmrecCounts() {
        Path dir = require("microlens");
        long t0 = System.nanoTime();
        try (LoadResult r = MmrecLoader.load(dir)) {
            long t1 = System.nanoTime();
            System.out.printf("microlens loaded in %.0f ms: %s%n", (t1 - t0) / 1e6, r.dataset().summary());
            Dataset d = r.dataset();
            assertEquals(50000, d.numUsers());
            assertEquals(19220, d.numItems());
            assertEquals(359708, d.train().size() + d.valid().size() + d.test().size());
            assertEquals(List.of("textual"), d.modalityNames());
            assertEquals(384, d.modality("textual").dim());
            // leave-last-out: one valid and one test interaction per user
            assertEquals(50000, d.valid().size());
            assertEquals(50000, d.test().size());
            // i_id_mapping.tsv gives the MicroLens video ids: last row "19738 -> 19219"; users have no mapping
            assertEquals("19738", d.itemIds().external(19219));
            assertEquals(19219, d.itemIds().index("19738"));
            assertTrue(d.userIds().isIdentity());
        }
    }

    private static void checkAgainstExpected(Dataset d, Path expected) throws IOException {
        List<int[]> train = new ArrayList<>();
        for (String line : Files.readAllLines(expected.resolve("train.tsv"))) {
            if (line.startsWith("user")) continue;
            String[] f = line.split("\t");
            train.add(new int[]{Integer.parseInt(f[0]), Integer.parseInt(f[1])});
        }
        assertPairs(train, d.train(), "train");
        assertPairs(lists(expected.resolve("val.txt")), d.valid(), "valid");
        assertPairs(lists(expected.resolve("test.txt")), d.test(), "test");
    }

    private static List<int[]> lists(Path file) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            int user = Integer.parseInt(f[0]);
            if (f.length > 1 && !f[1].isBlank()) {
                for (String item : f[1].trim().split(" ")) out.add(new int[]{user, Integer.parseInt(item)});
            }
        }
        return out;
    }

    private static void assertPairs(List<int[]> expected, Interactions got, String split) {
        assertEquals(expected.size(), got.size(), split + " size");
        int[] eu = expected.stream().mapToInt(p -> p[0]).toArray();
        int[] ei = expected.stream().mapToInt(p -> p[1]).toArray();
        assertArrayEquals(eu, got.users(), split + " users");
        assertArrayEquals(ei, got.items(), split + " items");
    }
}
