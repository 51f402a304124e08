package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A five-user, six-item set in the original MMGCN layout, written from Java: train rows, val/test
 * lists (with users that have no items and a repeated pair), the user → items dict, a feature
 * matrix and (item, word) pairs. Item ids in the interaction files are shifted by {@code offset}.
 */
class MmgcnLoaderTest {
    @TempDir
    Path dir;

    private static final int[][] TRAIN = {{0, 0}, {0, 1}, {1, 2}, {2, 3}, {3, 4}};
    private static final long[] WORD_ITEMS = {0, 0, 0, 1, 3};
    private static final long[] WORD_IDS = {5, 2, 5, 1, 0};

    private MmgcnLoader.Options write(long offset) throws IOException {
        long[] train = new long[TRAIN.length * 2];
        for (int k = 0; k < TRAIN.length; k++) {
            train[2 * k] = TRAIN[k][0];
            train[2 * k + 1] = TRAIN[k][1] + offset;
        }
        Npy.writeLongs(dir.resolve("train.npy"), train, TRAIN.length, 2);
        // Python ints for users (as MMGCN's lists have), numpy int64 scalars for items
        PickleFixtures.objectArray(dir.resolve("val.npy"), List.of(
                List.of(0, 2 + offset), List.of(1), List.of(2, 4 + offset, 4 + offset), List.of(3)), false);
        PickleFixtures.objectArray(dir.resolve("test.npy"), List.of(
                List.of(0, 3 + offset), List.of(1, offset), List.of(2), List.of(3, 1 + offset), List.of(4)), false);
        Map<Object, Object> dict = new LinkedHashMap<>();
        for (int[] p : TRAIN) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) dict.computeIfAbsent(p[0], u -> new ArrayList<>());
            l.add(p[1] + offset);
        }
        PickleFixtures.objectScalar(dir.resolve("user_item_dict.npy"), dict);
        try (HostScope s = new HostScope()) {
            Tensor t = s.floats(6, 2);
            for (int k = 0; k < 12; k++) t.setFlat(k, k);
            Npy.writeFloats(dir.resolve("v_feat.npy"), t);
        }
        long[] pairs = new long[10];
        System.arraycopy(WORD_ITEMS, 0, pairs, 0, 5);
        System.arraycopy(WORD_IDS, 0, pairs, 5, 5);
        Npy.writeLongs(dir.resolve("t_feat.npy"), pairs, 2, 5);
        return MmgcnLoader.Options.official().withItemOffset(offset)
                .withFeatures(Map.of("visual", "v_feat.npy")).withWordPairs(Map.of("textual", "t_feat.npy"));
    }

    private static void checkContents(LoadResult r) {
        Dataset d = r.dataset();
        assertEquals(5, d.numUsers(), "user 4 appears only as an empty test list");
        assertEquals(6, d.numItems(), "feature rows");
        assertArrayEquals(new int[]{0, 0, 1, 2, 3}, d.train().users());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, d.train().items());
        assertArrayEquals(new int[]{0, 2}, d.valid().users());
        assertArrayEquals(new int[]{2, 4}, d.valid().items());
        assertArrayEquals(new int[]{0, 1, 3}, d.test().users());
        assertArrayEquals(new int[]{3, 0, 1}, d.test().items());
        assertEquals(1, r.report().duplicates("valid"));
        assertEquals(11f, d.modality("visual").features().get(5, 1));
        assertTrue(r.report().notes().stream().anyMatch(n -> n.contains("user_item_dict.npy agrees with train.npy (5 pairs)")),
                r.report().toString());

        BagOfWords bow = r.wordModalities().getFirst();
        assertEquals("textual", bow.name());
        assertEquals(5, bow.pairs());
        assertEquals(4, bow.distinctPairs());
        assertEquals(3, bow.itemsWithoutWords());
        CsrMatrix m = bow.itemWords();
        assertEquals(6, m.rows());
        assertEquals(6, m.cols(), "vocabulary = largest word id + 1");
        // item 0's word 5 occurs twice: one entry holding both shares
        assertArrayEquals(new int[]{0, 2, 3, 3, 4, 4, 4}, m.rowPtr().toArray());
        assertArrayEquals(new int[]{2, 5, 1, 0}, m.colIdx().toArray());
        assertArrayEquals(new float[]{1 / 3f, 2 / 3f, 1, 1}, m.values().toArray());
    }

    @Test
    void loadsLocalIds() throws IOException {
        try (LoadResult r = MmgcnLoader.load(dir, "toy", write(0))) {
            checkContents(r);
        }
    }

    @Test
    void undoesTheUserCountOffset() throws IOException {
        MmgcnLoader.Options o = write(5);
        try (LoadResult r = MmgcnLoader.load(dir, "toy", o.withOffsetByUsers())) {
            checkContents(r);
            // the ids stay as the files write them: items numbered after the users
            assertEquals("5", r.dataset().itemIds().external(0));
            assertEquals(3, r.dataset().itemIds().index("8"));
            assertEquals("4", r.dataset().userIds().external(4));
        }
        try (LoadResult r = MmgcnLoader.load(dir, "toy", o)) {
            checkContents(r);
        }
    }

    @Test
    void wrongOffsetIsCaught() throws IOException {
        MmgcnLoader.Options local = write(0);
        DataException e = assertThrows(DataException.class, () -> MmgcnLoader.load(dir, "toy", local.withOffsetByUsers()));
        assertTrue(e.getMessage().contains("train.npy: row 0: item id 0 is below the item offset 5"), e.getMessage());
        MmgcnLoader.Options shifted = write(5);
        e = assertThrows(DataException.class, () -> MmgcnLoader.load(dir, "toy", shifted.withItemOffset(0)));
        assertTrue(e.getMessage().contains("v_feat.npy has 6 feature rows") && e.getMessage().contains("item id 9 is used at") && e.getMessage().contains("train.npy row 4"), e.getMessage());
    }

    @Test
    void dictDisagreementIsReported() throws IOException {
        MmgcnLoader.Options o = write(0);
        PickleFixtures.objectScalar(dir.resolve("user_item_dict.npy"), Map.of(0, List.of(0L, 1L, 5L), 1, List.of(2L), 2, List.of(3L)));
        try (LoadResult r = MmgcnLoader.load(dir, "toy", o)) {
            List<String> w = r.report().warnings();
            assertTrue(w.stream().anyMatch(s -> s.contains("user_item_dict.npy disagrees with train.npy: 1 pairs only in the dict (e.g. user 0, item 5), 1 only in train (e.g. user 3, item 4)")),
                    w.toString());
        }
    }

    @Test
    void badInputsNameFileAndPlace() throws IOException {
        MmgcnLoader.Options o = write(0);
        Npy.writeLongs(dir.resolve("train.npy"), new long[]{0, 0, 1, 1, -2, 3}, 3, 2);
        assertMentions(o, "train.npy: row 2: user id -2");
        Npy.writeLongs(dir.resolve("train.npy"), new long[]{0, 1, 2, 0, 1, 2}, 2, 3);
        assertMentions(o, "train.npy: shape [2, 3]", "N × 2", "looks transposed");
        write(0);
        PickleFixtures.objectArray(dir.resolve("val.npy"), List.of(List.of(0, 1L), 7), false);
        assertMentions(o, "val.npy: entry 1 is Integer 7, not a [user, item, ...] list");
        PickleFixtures.objectArray(dir.resolve("val.npy"), List.of(List.of(0, 1L), List.of()), false);
        assertMentions(o, "val.npy: entry 1 is an empty list");
        PickleFixtures.objectArray(dir.resolve("val.npy"), List.of(List.of(0, "one")), false);
        assertMentions(o, "val.npy: entry 0 (user 0) item 1", "not an integer id");
        PickleFixtures.objectArray(dir.resolve("val.npy"), List.of(List.of(0, -3L)), false);
        assertMentions(o, "val.npy: entry 0 (user 0) item 1: id -3 is negative");
        write(0);
        PickleFixtures.objectArray(dir.resolve("user_item_dict.npy"), List.of(1, 2), false);
        assertMentions(o, "user_item_dict.npy: expected a 0-d object array holding a dict");
        write(0);
        Npy.writeLongs(dir.resolve("t_feat.npy"), new long[]{0, 6, 1, 1}, 2, 2);
        assertMentions(o, "t_feat.npy: pair 1: item 6 outside [0, 6)");
        write(0);
        assertMentions(o.withFiles("train.npy", "val_full.npy", "test.npy", null), "val_full.npy: file not found");
        assertMentions(o.withFeatures(Map.of("visual", "v_feat.npy", "textual", "v_feat.npy")), "modality 'textual' is given both");
    }

    @Test
    void sparseUserIdsAreRefused() throws IOException {
        MmgcnLoader.Options o = write(0).withFiles("train.npy", null, null, null).withWordPairs(Map.of());
        Npy.writeLongs(dir.resolve("train.npy"), new long[]{0, 0, 1, 1, 2_000_000_000L, 3}, 3, 2);
        assertMentions(o, "user id 2000000000", "2,000,000,001 user rows for 3 distinct users", "u_id_mapping.tsv");
    }

    private void assertMentions(MmgcnLoader.Options o, String... parts) {
        DataException e = assertThrows(DataException.class, () -> MmgcnLoader.load(dir, "toy", o).close());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void guessesNamesAndModalities() throws IOException {
        write(0);
        MmgcnLoader.Options o = MmgcnLoader.guess(dir);
        assertEquals("train.npy", o.train());
        assertEquals("user_item_dict.npy", o.userItemDict());
        assertTrue(o.offsetByUsers(), "the official file names imply the official offset");
        assertEquals(Map.of("visual", "v_feat.npy"), o.features());
        assertEquals(Map.of("textual", "t_feat.npy"), o.wordPairs(), "an int 2 × n text file is word pairs");
        MmgcnLoader.Options sample = MmgcnLoader.Options.sample();
        assertEquals("val_sample.npy", sample.valid());
        assertEquals(0, sample.itemOffset());
        assertTrue(!sample.offsetByUsers());
    }
}
