package dev.mmgcn.data;

import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** External ids: both kinds of map, MMRec's mapping files, the MMGCN item offset, and the writer's round trip. */
class IdMapTest {
    @TempDir
    Path dir;

    @Test
    void rangeAndTable() {
        IdMap r = IdMap.range(5, 100);
        assertEquals("102", r.external(2));
        assertEquals(4, r.index("104"));
        for (String s : new String[] {"99", "105", "0102", "+102", "", "1e2", "abc"}) assertEquals(-1, r.index(s), s);
        assertFalse(r.isIdentity());
        assertTrue(IdMap.range(3, 0).isIdentity());
        IdMap t = IdMap.of(List.of("x", "y", "Ω"));
        assertEquals(2, t.index("Ω"));
        assertEquals(-1, t.index("z"));
        assertEquals(IdMap.of(List.of("100", "101", "102", "103", "104")), r, "equality compares the ids");
        assertThrows(IllegalArgumentException.class, () -> IdMap.of(List.of("a", "b", "a")));
        assertThrows(IllegalArgumentException.class, () -> IdMap.of(List.of("a", "")));
        assertThrows(IndexOutOfBoundsException.class, () -> t.external(3));
    }

    private void inter(String... rows) throws IOException {
        StringBuilder b = new StringBuilder("userID\titemID\tx_label\n");
        for (String r : rows) b.append(r).append('\n');
        Files.writeString(dir.resolve("d.inter"), b);
    }

    @Test
    void mmrecMappingFilesGiveTheIds() throws IOException {
        inter("0\t1\t0", "1\t0\t0", "2\t2\t1", "1\t2\t2");
        Files.writeString(dir.resolve("u_id_mapping.csv"), "user_id\tuserID\nA3PMS\t0\nA1SNL\t1\r\nAA9IT\t2\n");
        Files.writeString(dir.resolve("i_id_mapping.tsv"), "itemID\tasin\n2\t0000031852\n0\tB00D0DJAEG\n1\t7245456259\n");
        try (LoadResult r = MmrecLoader.load(dir, "d", Map.of())) {
            Dataset d = r.dataset();
            assertEquals(List.of("A3PMS", "A1SNL", "AA9IT"), List.of(d.userIds().external(0), d.userIds().external(1), d.userIds().external(2)));
            assertEquals("0000031852", d.itemIds().external(2), "index column first works too; leading zeros are kept");
            assertEquals(1, d.itemIds().index("7245456259"));
        }
        Files.delete(dir.resolve("u_id_mapping.csv"));
        Files.delete(dir.resolve("i_id_mapping.tsv"));
        try (LoadResult r = MmrecLoader.load(dir, "d", Map.of())) {
            assertTrue(r.dataset().userIds().isIdentity(), "without a mapping the .inter ids are the ids");
            assertEquals("2", r.dataset().itemIds().external(2));
        }
    }

    @Test
    void badMappingsNameFileAndLine() throws IOException {
        inter("0\t1\t0", "1\t0\t0", "2\t2\t1");
        assertMapping("user_id\tuserID\na\t0\nb\t1\n", "u_id_mapping.csv: no row for userID 2 of the data's 3");
        assertMapping("user_id\tuserID\na\t0\nb\t1\na\t2\n", "u_id_mapping.csv:4: id 'a' is mapped twice (also line 2)");
        assertMapping("user_id\tuserID\na\t0\nb\t1\nc\t1\n", "u_id_mapping.csv:4: userID 1 is mapped twice");
        assertMapping("user_id\tuserID\na\t0\nb\t1\nc\t7\n", "u_id_mapping.csv:4: userID 7 is outside the data's 3 indices");
        assertMapping("user_id\tuserID\na\t0\nb\tone\n", "u_id_mapping.csv:3: userID 'one' is not an integer");
        assertMapping("user_id,userID\na,0\n", "u_id_mapping.csv:1: header [user_id,userID] needs the column 'userID'");
        Files.writeString(dir.resolve("u_id_mapping.csv"), "user_id\tuserID\na\t0\nb\t1\nc\t2\n");
        Files.writeString(dir.resolve("u_id_mapping.tsv"), "user_id\tuserID\na\t0\nb\t1\nc\t2\n");
        DataException e = assertThrows(DataException.class, () -> MmrecLoader.load(dir, "d", Map.of()));
        assertTrue(e.getMessage().contains("both u_id_mapping.csv and u_id_mapping.tsv"), e.getMessage());
    }

    private void assertMapping(String content, String expected) throws IOException {
        Files.writeString(dir.resolve("u_id_mapping.csv"), content);
        DataException e = assertThrows(DataException.class, () -> MmrecLoader.load(dir, "d", Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void writerRoundTripsTableIds() throws IOException {
        try (HostScope s = new HostScope()) {
            Tensor f = s.floats(3, 2);
            Dataset d = new Dataset("ids", 2, 3, new Interactions(new int[] {0, 1, 1}, new int[] {2, 0, 1}), Interactions.empty(),
                    new Interactions(new int[] {0}, new int[] {0}), List.of(new Modality("visual", f)), s,
                    IdMap.of(List.of("user a", "user-b")), IdMap.range(3, 2));
            Path out = dir.resolve("out");
            DatasetWriter.writeMmrec(d, out);
            assertEquals("user_id\tuserID\nuser a\t0\nuser-b\t1\n", Files.readString(out.resolve("u_id_mapping.tsv")));
            assertEquals("item_id\titemID\n2\t0\n3\t1\n4\t2\n", Files.readString(out.resolve("i_id_mapping.tsv")));
            try (LoadResult r = MmrecLoader.load(out)) {
                assertEquals(d.userIds(), r.dataset().userIds());
                assertEquals(d.itemIds(), r.dataset().itemIds());
            }
            DatasetWriter.writeMmrec(d, out); // its own mapping files are replaced
            Dataset plain = new Dataset("ids", 2, 3, d.train(), d.valid(), d.test(), d.modalities(), null);
            DataException e = assertThrows(DataException.class, () -> DatasetWriter.writeMmrec(plain, out));
            assertTrue(e.getMessage().contains("u_id_mapping.tsv exists and would be read with the new data"), e.getMessage());
            Dataset tab = new Dataset("ids", 2, 3, d.train(), d.valid(), d.test(), d.modalities(), null,
                    IdMap.of(List.of("a\tb", "c")), IdMap.range(3, 0));
            assertThrows(DataException.class, () -> DatasetWriter.writeMmrec(tab, dir.resolve("out2")));
        }
    }
}
