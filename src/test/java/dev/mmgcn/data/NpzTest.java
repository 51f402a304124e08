package dev.mmgcn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The .npz writer: a ZIP of stored .npy members (CRC and sizes checked by java.util.zip's reader) whose
 * bytes are those of the .npy format, and — when python3 with numpy is here — what numpy.load returns.
 */
class NpzTest {
    static final List<String> STRINGS = List.of("a", "", "ünï", "𝄞 clef", "tab\tin");
    static final float[] MATRIX = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}; // 4 x 3

    @TempDir
    Path dir;

    private Path write() throws Exception {
        Path f = dir.resolve("x.npz");
        Npz.write(f, List.of(Npz.floats("rows.1to2", MATRIX, 1, 2, 3), Npz.ints("ints", new int[] {-1, 0, 7, Integer.MAX_VALUE}),
                Npz.strings("names", STRINGS), Npz.string("meta", "{\"k\": \"v\"}")));
        return f;
    }

    @Test
    void membersAreStoredNpyFiles() throws Exception {
        Path f = write();
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(f))) { // verifies each member's CRC and size
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod());
                data.add(z.readAllBytes());
            }
        }
        assertEquals(List.of("rows.1to2.npy", "ints.npy", "names.npy", "meta.npy"), names);
        ByteBuffer rows = payload(data.get(0), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        for (int k = 0; k < 6; k++) assertEquals(k + 3, rows.getFloat(), 0.0);
        ByteBuffer ints = payload(data.get(1), "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }");
        for (int v : new int[] {-1, 0, 7, Integer.MAX_VALUE}) assertEquals(v, ints.getInt());
        // the widest has 6 code points: "𝄞 clef" (one of them outside the BMP, two UTF-16 chars) and "tab\tin"
        ByteBuffer names32 = payload(data.get(2), "{'descr': '<U6', 'fortran_order': False, 'shape': (5,), }");
        for (String s : STRINGS) {
            int[] cps = s.codePoints().toArray();
            for (int k = 0; k < 6; k++) assertEquals(k < cps.length ? cps[k] : 0, names32.getInt(), s);
        }
        assertFalse(names32.hasRemaining());
        payload(data.get(3), "{'descr': '<U10', 'fortran_order': False, 'shape': (), }");
        byte[] again = Files.readAllBytes(write());
        assertArrayEquals(Files.readAllBytes(f), again, "equal content, equal bytes");
    }

    @Test
    void numpyLoadsEachMember() throws Exception {
        assumeTrue(python("import numpy"), "python3 with numpy is not available");
        Path f = write();
        String script = "import json, sys, numpy as np\n"
                + "z = np.load(sys.argv[1])\n"
                + "print(json.dumps({k: {'dtype': str(z[k].dtype), 'shape': list(z[k].shape), 'values': z[k].tolist()} for k in z.files}))\n";
        Process p = new ProcessBuilder("python3", "-c", script, f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        JsonNode r = JsonMapper.builder().build().readTree(out);
        assertEquals("float32", r.get("rows.1to2").get("dtype").asString());
        assertEquals("[[3.0,4.0,5.0],[6.0,7.0,8.0]]", r.get("rows.1to2").get("values").toString());
        assertEquals("int32", r.get("ints").get("dtype").asString());
        assertEquals("[-1,0,7,2147483647]", r.get("ints").get("values").toString());
        List<String> names = new ArrayList<>();
        for (JsonNode n : r.get("names").get("values")) names.add(n.asString());
        assertEquals(STRINGS, names);
        assertEquals("[]", r.get("meta").get("shape").toString());
        assertEquals("{\"k\": \"v\"}", r.get("meta").get("values").asString());
    }

    @Test
    void badMembersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Npz.floats("m", MATRIX, 3, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Npz.ints("a/b", new int[1]));
        assertThrows(IllegalArgumentException.class, () -> Npz.write(dir.resolve("d.npz"), List.of(Npz.ints("a", new int[1]), Npz.ints("a", new int[2]))));
        assertFalse(Files.exists(dir.resolve("d.npz")));
    }

    /** Checks the .npy preamble and header text; returns the data after it. */
    private static ByteBuffer payload(byte[] npy, String dict) {
        assertEquals("\u0093NUMPY", new String(npy, 0, 6, StandardCharsets.ISO_8859_1));
        assertEquals(1, npy[6]);
        int len = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        assertEquals(0, (10 + len) % 64, "data aligned to 64 bytes");
        assertEquals(dict, new String(npy, 10, len, StandardCharsets.ISO_8859_1).strip());
        return ByteBuffer.wrap(npy, 10 + len, npy.length - 10 - len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static boolean python(String statement) {
        try {
            Process p = new ProcessBuilder("python3", "-c", statement).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(new ByteArrayOutputStream());
            }
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
