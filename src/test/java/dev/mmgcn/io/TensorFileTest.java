package dev.mmgcn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The checksummed safetensors container: layout by hand, round trips, and every changed byte refused. */
class TensorFileTest {

    static List<TensorFile.Tensor> sample() {
        float[] f = new float[6];
        for (int i = 0; i < f.length; i++) f[i] = 0.5f * i - 1f;
        return List.of(TensorFile.Tensor.floats("w", f, 2, 3),
                TensorFile.Tensor.ints("ptr", new int[] {0, 2, 3, -7}, 4),
                TensorFile.Tensor.bytes("ids", "añb".getBytes(StandardCharsets.UTF_8)),
                TensorFile.Tensor.floats("empty", new float[0], 0, 5));
    }

    static Map<String, String> meta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "test");
        m.put("model.dim", "64");
        m.put("quote", "a \"quoted\" value with \"crc32c.header\":\"");
        return m;
    }

    @Test
    void layoutIsSafetensorsReadByHand(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        TensorFile.write(f, meta(), sample());
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"test\""), header);
        assertTrue(header.contains("\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.contains("\"ptr\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[24,40]}"), header);
        assertTrue(header.contains("\"ids\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[40,44]}"), header);
        assertEquals(8 + n + 44, b.length, "no bytes beyond the last tensor");
        ByteBuffer data = ByteBuffer.wrap(b, (int) (8 + n), 44).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) assertEquals(0.5f * i - 1f, data.getFloat(4 * i));
        assertEquals(-7, data.getInt(24 + 12));
        assertEquals("añb", new String(b, (int) (8 + n + 40), 4, StandardCharsets.UTF_8));
    }

    @Test
    void roundTrip(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        TensorFile.write(f, meta(), sample());
        TensorFile r = TensorFile.read(f);
        for (Map.Entry<String, String> e : meta().entrySet()) assertEquals(e.getValue(), r.metadata().get(e.getKey()));
        assertEquals(List.of("w", "ptr", "ids", "empty"), new ArrayList<>(r.tensors().keySet()));
        assertArrayEquals(sample().get(0).toFloats(), r.tensors().get("w").toFloats());
        assertArrayEquals(new long[] {2, 3}, r.tensors().get("w").shape());
        assertArrayEquals(new int[] {0, 2, 3, -7}, r.tensors().get("ptr").toInts());
        assertEquals("añb", new String(r.tensors().get("ids").toBytes(), StandardCharsets.UTF_8));
        assertEquals(0, r.tensors().get("empty").elements());
    }

    @Test
    void everyChangedByteIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        TensorFile.write(f, meta(), sample());
        byte[] good = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(good, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int pos = 0; pos < good.length; pos++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = good.clone();
                bad[pos] ^= (byte) mask;
                Files.write(f, bad);
                int at = pos;
                IOException e = assertThrows(IOException.class, () -> TensorFile.read(f), "byte " + at + " ^ " + mask + " was accepted");
                assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
                if (pos >= 8 + n && pos < 8 + n + 24) assertTrue(e.getMessage().contains("tensor 'w' is damaged"), e.getMessage());
                if (pos >= 8 + n + 40) assertTrue(e.getMessage().contains("tensor 'ids' is damaged"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedOrExtendedFilesAreRefused(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.safetensors");
        TensorFile.write(f, meta(), sample());
        byte[] good = Files.readAllBytes(f);
        for (int len : new int[] {0, 5, 8, 20, good.length - 44, good.length - 1}) {
            Files.write(f, java.util.Arrays.copyOf(good, len));
            assertThrows(IOException.class, () -> TensorFile.read(f), "truncated to " + len);
        }
        Files.write(f, java.util.Arrays.copyOf(good, good.length + 3));
        IOException e = assertThrows(IOException.class, () -> TensorFile.read(f));
        assertTrue(e.getMessage().contains("extra bytes"), e.getMessage());
    }

    @Test
    void reservedMetadataAndDuplicateNamesAreRefused(@TempDir Path dir) {
        Path f = dir.resolve("x.safetensors");
        assertThrows(IllegalArgumentException.class, () -> TensorFile.write(f, Map.of("crc32c.x", "1"), sample()));
        List<TensorFile.Tensor> twice = List.of(sample().get(0), sample().get(0));
        assertThrows(IllegalArgumentException.class, () -> TensorFile.write(f, Map.of(), twice));
        assertFalse(Files.exists(f), "nothing written when refused");
    }
}
