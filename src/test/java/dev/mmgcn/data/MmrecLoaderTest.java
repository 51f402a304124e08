package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MmrecLoaderTest {
    @TempDir
    Path dir;

    private void inter(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name + ".inter"), text);
    }

    /** rows × cols features with value row + col/100, as float32. */
    private void features(String file, int rows, int cols) {
        try (HostScope s = new HostScope()) {
            Tensor t = s.floats(rows, cols);
            for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t.set(r, c, r + c / 100f);
            Npy.writeFloats(dir.resolve(file), t);
        }
    }

    private static Map<String, Path> mods(String... pairs) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (int k = 0; k < pairs.length; k += 2) m.put(pairs[k], Path.of(pairs[k + 1]));
        return m;
    }

    private DataException fails(String name, Map<String, Path> modalities) {
        return assertThrows(DataException.class, () -> MmrecLoader.load(dir, name, modalities).close());
    }

    private static void assertMentions(DataException e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void loadsColumnsByNameWithExtraColumnsAndFeatures() throws IOException {
        // columns in another order, an extra column, CRLF endings and a blank last line
        inter("d", "x_label\ttimestamp\titemID\tuserID\r\n"
                + "0\t100\t2\t0\r\n"
                + "0\t101\t1\t0\r\n"
                + "1\t102\t0\t1\r\n"
                + "2\t103\t3\t2\r\n"
                + "0\t104\t0\t2\r\n"
                + "\r\n");
        features("v.npy", 6, 3);
        // a float16 acoustic file with the same six rows: values k/4 are exact in half precision
        ByteBuffer b = ByteBuffer.allocate(12 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 12; k++) b.putShort(Float.floatToFloat16(k / 4f));
        Npy.writeRaw(dir.resolve("a.npy"), "<f2", false, new long[]{6, 2}, b.array());

        try (LoadResult r = MmrecLoader.load(dir, "d", mods("visual", "v.npy", "acoustic", "a.npy"))) {
            Dataset d = r.dataset();
            assertEquals("d", d.name());
            assertEquals(3, d.numUsers());
            assertEquals(6, d.numItems(), "feature rows beyond the largest item id count as items");
            assertArrayEquals(new int[]{0, 0, 2}, d.train().users());
            assertArrayEquals(new int[]{2, 1, 0}, d.train().items());
            assertArrayEquals(new int[]{1}, d.valid().users());
            assertArrayEquals(new int[]{0}, d.valid().items());
            assertArrayEquals(new int[]{2}, d.test().users());
            assertArrayEquals(new int[]{3}, d.test().items());
            assertEquals(List.of("visual", "acoustic"), d.modalityNames());
            assertEquals(4.02f, d.modality("visual").features().get(4, 2));
            assertEquals(11 / 4f, d.modality("acoustic").features().get(5, 1));
            assertEquals(List.of(), r.report().warnings());
            assertTrue(r.report().notes().contains("2 of 6 item ids have no interactions"), r.report().notes().toString());
        }
    }

    @Test
    void duplicatesAreDroppedCountedAndOverlapsWarned() throws IOException {
        inter("d", "userID\titemID\tx_label\n0\t1\t0\n0\t2\t0\n0\t1\t0\n1\t1\t0\n0\t1\t0\n1\t2\t2\n1\t2\t2\n0\t2\t1\n");
        try (LoadResult r = MmrecLoader.load(dir, "d", Map.of())) {
            Dataset d = r.dataset();
            assertArrayEquals(new int[]{0, 0, 1}, d.train().users());
            assertArrayEquals(new int[]{1, 2, 1}, d.train().items());
            assertEquals(1, d.test().size());
            assertEquals(2, r.report().duplicates("train"));
            assertEquals(0, r.report().duplicates("valid"));
            assertEquals(1, r.report().duplicates("test"));
            List<String> w = r.report().warnings();
            assertTrue(w.stream().anyMatch(s -> s.contains("2 duplicate train interactions dropped")), w.toString());
            assertTrue(w.stream().anyMatch(s -> s.contains("1 duplicate test interaction dropped")), w.toString());
            assertTrue(w.stream().anyMatch(s -> s.contains("1 of 1 valid interactions also appear in train")), w.toString());
            assertEquals(3, d.numItems(), "no features: largest item id + 1");
        }
    }

    @Test
    void malformedRowsNameFileAndLine() throws IOException {
        inter("cols", "userID\titemID\tx_label\n0\t1\t0\n0\t1\n");
        assertMentions(fails("cols", Map.of()), "cols.inter:3:", "2 columns", "header has 3");
        inter("word", "userID\titemID\tx_label\n0\t1\t0\n1\tabc\t0\n");
        assertMentions(fails("word", Map.of()), "word.inter:3:", "itemID 'abc' is not an integer");
        inter("float", "userID\titemID\tx_label\n0\t1.0\t0\n");
        assertMentions(fails("float", Map.of()), "float.inter:2:", "itemID '1.0' is not an integer");
        inter("empty", "userID\titemID\tx_label\n\t1\t0\n");
        assertMentions(fails("empty", Map.of()), "empty.inter:2:", "userID '' is not an integer");
        inter("neg", "userID\titemID\tx_label\n0\t1\t0\n0\t2\t0\n-4\t1\t0\n");
        assertMentions(fails("neg", Map.of()), "neg.inter:4:", "userID '-4' is negative");
        inter("huge", "userID\titemID\tx_label\n0\t99999999999\t0\n");
        assertMentions(fails("huge", Map.of()), "huge.inter:2:", "too large");
        inter("label", "userID\titemID\tx_label\n0\t1\t0\n0\t2\t3\n");
        assertMentions(fails("label", Map.of()), "label.inter:3:", "x_label 3 is not 0 (train), 1 (valid) or 2 (test)");
        inter("nolabel", "userID\titemID\trating\n0\t1\t5\n");
        assertMentions(fails("nolabel", Map.of()), "nolabel.inter:1:", "no column 'x_label'", "rating");
        inter("spaces", "userID itemID x_label\n0 1 0\n");
        assertMentions(fails("spaces", Map.of()), "spaces.inter:1:", "separated by tabs");
        inter("none", "userID\titemID\tx_label\n");
        assertMentions(fails("none", Map.of()), "none.inter", "no interactions");
        assertMentions(fails("absent", Map.of()), "absent.inter", "not found");
    }

    @Test
    void featureFilesMustAgreeAndCoverEveryItem() throws IOException {
        inter("d", "userID\titemID\tx_label\n0\t0\t0\n1\t4\t2\n");
        features("five.npy", 5, 2);
        features("six.npy", 6, 2);
        features("four.npy", 4, 2);
        assertMentions(fails("d", mods("visual", "five.npy", "acoustic", "six.npy")),
                "five.npy has 5 rows", "six.npy has 6");
        assertMentions(fails("d", mods("visual", "four.npy")), "four.npy has 4 feature rows", "item id 4 is used at", "d.inter:3");
        assertMentions(fails("d", mods("visual", "gone.npy")), "gone.npy", "not found");
        Npy.writeRaw(dir.resolve("nan.npy"), "<f4", false, new long[]{5, 2}, nanAt(5, 2, 3, 1));
        assertMentions(fails("d", mods("visual", "nan.npy")), "nan.npy", "NaN", "row 3, column 1");
        Npy.writeRaw(dir.resolve("flat.npy"), "<f4", false, new long[]{5}, new byte[20]);
        assertMentions(fails("d", mods("visual", "flat.npy")), "flat.npy", "2-D");
        Npy.writeRaw(dir.resolve("fortran.npy"), "<f4", true, new long[]{5, 2}, new byte[40]);
        assertMentions(fails("d", mods("visual", "fortran.npy")), "fortran.npy", "fortran_order");
        Npy.writeRaw(dir.resolve("dates.npy"), "<M8", false, new long[]{5, 2}, new byte[80]);
        assertMentions(fails("d", mods("visual", "dates.npy")), "dates.npy", "unsupported dtype '<M8'");
    }

    private static byte[] nanAt(int rows, int cols, int r, int c) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < rows * cols; k++) b.putFloat(k == r * cols + c ? Float.NaN : 1f);
        return b.array();
    }

    @Test
    void guessesStandardAndWrittenFeatureNames() throws IOException {
        inter("shop", "userID\titemID\tx_label\n0\t0\t0\n");
        features("image_feat.npy", 2, 2);
        features("text_feat.npy", 2, 3);
        features("style_feat.npy", 2, 1);
        Files.writeString(dir.resolve("notes.txt"), "not a feature file");
        assertEquals("shop", MmrecLoader.guessName(dir));
        assertEquals(mods("visual", "image_feat.npy", "textual", "text_feat.npy", "style", "style_feat.npy"),
                MmrecLoader.guessModalities(dir));
        try (LoadResult r = MmrecLoader.load(dir)) {
            assertEquals(List.of("visual", "textual", "style"), r.dataset().modalityNames());
            assertEquals(2, r.dataset().numItems());
        }
        features("visual_feat.npy", 2, 2);
        assertMentions(assertThrows(DataException.class, () -> MmrecLoader.guessModalities(dir)),
                "image_feat.npy", "visual_feat.npy", "'visual'");
        inter("other", "userID\titemID\tx_label\n0\t0\t0\n");
        assertMentions(assertThrows(DataException.class, () -> MmrecLoader.guessName(dir)), "several .inter files");
    }

    @Test
    void commaSeparatedFilesGetTheTabHint() throws IOException {
        inter("csv", "userID,itemID,x_label\n0,1,0\n");
        assertMentions(fails("csv", Map.of()), "csv.inter:1:", "columns must be separated by tabs, not commas");
        inter("rows", "userID\titemID\tx_label\n0\t1\t0\n1,2,0\n");
        assertMentions(fails("rows", Map.of()), "rows.inter:3: 1 column where the header has 3", "'1,2,0'",
                "separated by tabs, not commas");
    }

    @Test
    void aMalformedLineIsQuotedToAbout200Characters() throws IOException {
        String huge = "7".repeat(5000);
        inter("long", "userID\titemID\tx_label\n" + huge + "\n");
        DataException e = fails("long", Map.of());
        assertMentions(e, "long.inter:2: 1 column where the header has 3", "(5000 characters)");
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + ": " + e.getMessage());
        inter("longid", "userID\titemID\tx_label\n" + "x".repeat(3000) + "\t1\t0\n");
        DataException id = fails("longid", Map.of());
        assertMentions(id, "longid.inter:2: userID", "is not an integer", "(3000 characters)");
        assertTrue(id.getMessage().length() < 400, id.getMessage());
    }

    @Test
    void sparseIdsAreRefusedBeforeAnythingIsSizedByThem() throws IOException {
        // one user id of two billion among a few dense ones: 2e9 rows would be allocated (the JVM died in GraphBuilder)
        StringBuilder sb = new StringBuilder("userID\titemID\tx_label\n");
        for (int u = 0; u < 300; u++) sb.append(u).append('\t').append(u % 7).append("\t0\n");
        sb.append("2000000000\t3\t0\n");
        inter("sparse", sb.toString());
        DataException e = fails("sparse", Map.of());
        assertMentions(e, "sparse.inter:302", "user id 2000000000", "2,000,000,001 user rows", "301 distinct users",
                "remap them to 0..300", "u_id_mapping.tsv");
        StringBuilder items = new StringBuilder("userID\titemID\tx_label\n");
        for (int u = 0; u < 50; u++) items.append(u).append("\t").append(u).append("\t0\n");
        items.append("3\t1500000000\t1\n");
        inter("sparseitems", items.toString());
        assertMentions(fails("sparseitems", Map.of()), "sparseitems.inter:52", "item id 1500000000", "i_id_mapping.tsv");
    }

    @Test
    void idDensityRule() {
        // up to a million ids anything goes; above, the range may be at most ten times the distinct ids
        IdDensity.check("user", 999_999, new long[] {0, 999_999}, 2, "f:1", "u_id_mapping.tsv");
        long[] tenth = new long[200_000];
        for (int k = 0; k < tenth.length; k++) tenth[k] = 10L * k;
        IdDensity.check("user", 1_999_990, tenth, tenth.length, "f:1", "u_id_mapping.tsv"); // range 1,999,991 ≤ 10 × 200,000
        long[] sparser = java.util.Arrays.copyOf(tenth, 150_000);
        sparser[149_999] = 1_999_990;
        DataException e = assertThrows(DataException.class,
                () -> IdDensity.check("user", 1_999_990, sparser, sparser.length, "f:9", "u_id_mapping.tsv"));
        assertMentions(e, "f:9: user id 1999990", "1,999,991 user rows for 150,000 distinct users");
    }
}
