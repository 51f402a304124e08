package dev.mmgcn.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a checkpoint says, read from its bytes by the published layout (docs/artefacts.md: u64 header length,
 * JSON header with each tensor's dtype, shape and offsets, little-endian data) without the engine's
 * reader; and top-K lists judged by brute force in double precision against it.
 */
final class CheckpointOracle {
    final int users, items, dim;
    final double[][] rep;
    final List<String> userIds, itemIds;
    final List<Set<Integer>> seen = new ArrayList<>();
    final Map<String, Integer> userIndex = new HashMap<>(), itemIndex = new HashMap<>();
    final JsonNode header;
    final byte[] bytes;
    final long dataStart;

    CheckpointOracle(Path file) throws IOException {
        bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) b.getLong(0);
        header = JsonMapper.builder().build().readTree(new String(bytes, 8, n, StandardCharsets.UTF_8));
        dataStart = 8L + n;
        JsonNode r = header.get("representation");
        int rows = r.get("shape").get(0).asInt();
        dim = r.get("shape").get(1).asInt();
        int[] rowPtr = ints("seen.row_ptr");
        int[] seenItems = ints("seen.items");
        users = rowPtr.length - 1;
        items = rows - users;
        float[] flat = floats("representation");
        rep = new double[rows][dim];
        for (int i = 0; i < rows; i++) for (int c = 0; c < dim; c++) rep[i][c] = flat[i * dim + c];
        for (int u = 0; u < users; u++) {
            Set<Integer> s = new HashSet<>();
            for (int p = rowPtr[u]; p < rowPtr[u + 1]; p++) s.add(seenItems[p]);
            seen.add(s);
        }
        userIds = strings("ids.users");
        itemIds = strings("ids.items");
        for (int u = 0; u < users; u++) userIndex.put(userIds.get(u), u);
        for (int i = 0; i < items; i++) itemIndex.put(itemIds.get(i), i);
    }

    /** Start and end (exclusive) of a tensor's bytes in the file. */
    long[] span(String name) {
        JsonNode o = header.get(name).get("data_offsets");
        return new long[] {dataStart + o.get(0).asLong(), dataStart + o.get(1).asLong()};
    }

    List<String> tensorNames() {
        List<String> out = new ArrayList<>();
        for (String k : header.propertyNames()) if (!k.equals("__metadata__")) out.add(k);
        return out;
    }

    private ByteBuffer data(String name) {
        long[] s = span(name);
        return ByteBuffer.wrap(bytes, (int) s[0], (int) (s[1] - s[0])).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    float[] floats(String name) {
        ByteBuffer b = data(name);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    int[] ints(String name) {
        ByteBuffer b = data(name);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    private List<String> strings(String name) {
        int[] offsets = ints(name + ".offsets");
        long[] s = span(name + ".utf8");
        List<String> out = new ArrayList<>();
        for (int k = 0; k + 1 < offsets.length; k++) {
            out.add(new String(bytes, (int) s[0] + offsets[k], offsets[k + 1] - offsets[k], StandardCharsets.UTF_8));
        }
        return out;
    }

    double score(int u, int i) {
        double s = 0;
        for (int c = 0; c < dim; c++) s += rep[u][c] * rep[users + i][c];
        return s;
    }

    double cosine(int a, int b) {
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < dim; c++) {
            double x = rep[users + a][c], y = rep[users + b][c];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    /** One ranked entry as a command printed it. */
    record Entry(String item, double score) {
    }

    /**
     * Checks a top-k list for {@code user}: every item known, each score the brute-force ⟨user, item⟩ (to
     * {@code tol}), best first, no training item unless {@code includeSeen}, and no left-out item better than
     * the last one listed (ties at the boundary may go either way).
     */
    void checkTopK(String user, List<Entry> list, int k, boolean includeSeen, double tol) {
        Integer u = userIndex.get(user);
        assertTrue(u != null, "unknown user " + user);
        int candidates = includeSeen ? items : items - seen.get(u).size();
        assertEquals(Math.min(k, candidates), list.size(), "list length for " + user);
        Set<Integer> listed = new HashSet<>();
        double previous = Double.POSITIVE_INFINITY;
        for (Entry e : list) {
            Integer i = itemIndex.get(e.item());
            assertTrue(i != null, "unknown item " + e.item());
            assertTrue(listed.add(i), "item listed twice: " + e.item());
            if (!includeSeen) assertFalse(seen.get(u).contains(i), user + " has seen " + e.item());
            assertEquals(score(u, i), e.score(), tol, user + " / " + e.item());
            assertTrue(e.score() <= previous + tol, "best first for " + user);
            previous = e.score();
        }
        double last = list.isEmpty() ? Double.POSITIVE_INFINITY : list.getLast().score();
        for (int i = 0; i < items; i++) {
            if (listed.contains(i) || (!includeSeen && seen.get(u).contains(i))) continue;
            assertTrue(score(u, i) <= last + tol, user + ": " + itemIds.get(i) + " scores " + score(u, i) + ", above the last listed " + last);
        }
    }

    /** The TSV of recommend, grouped by user in the order printed. */
    static Map<String, List<Entry>> readTsv(List<String> lines) {
        assertEquals("user\trank\titem\tscore", lines.getFirst());
        Map<String, List<Entry>> out = new java.util.LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split("\t");
            assertEquals(4, f.length, l);
            List<Entry> list = out.computeIfAbsent(f[0], x -> new ArrayList<>());
            assertEquals(list.size() + 1, Integer.parseInt(f[1]), "ranks count from 1: " + l);
            list.add(new Entry(f[2], Double.parseDouble(f[3])));
        }
        return out;
    }
}
