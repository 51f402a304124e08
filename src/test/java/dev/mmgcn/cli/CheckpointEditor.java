package dev.mmgcn.cli;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A checkpoint changed on purpose and written with valid checksums, as someone who knows the format could
 * (or a bug that wrote wrong values): the header's tensors and metadata, and the tensors' bytes, edited by hand;
 * every CRC32C recomputed, so that only the content is wrong. Written from the format in docs/artefacts.md, not through
 * the engine's writer.
 */
final class CheckpointEditor {
    static final JsonMapper JSON = JsonMapper.builder().build();

    final ObjectNode header;
    final Map<String, byte[]> data = new LinkedHashMap<>();

    private CheckpointEditor(ObjectNode header) {
        this.header = header;
    }

    static CheckpointEditor of(Path checkpoint) throws IOException {
        byte[] b = Files.readAllBytes(checkpoint);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode h = (ObjectNode) JSON.readTree(new String(b, 8, (int) n, StandardCharsets.UTF_8));
        CheckpointEditor e = new CheckpointEditor(h);
        for (Map.Entry<String, JsonNode> t : h.properties()) {
            if (t.getKey().equals("__metadata__")) continue;
            long from = t.getValue().get("data_offsets").get(0).asLong(), to = t.getValue().get("data_offsets").get(1).asLong();
            e.data.put(t.getKey(), java.util.Arrays.copyOfRange(b, (int) (8 + n + from), (int) (8 + n + to)));
        }
        return e;
    }

    ObjectNode meta() {
        return (ObjectNode) header.get("__metadata__");
    }

    ObjectNode tensor(String name) {
        return (ObjectNode) header.get(name);
    }

    /** The tensor's bytes, little-endian, as a buffer to change in place. */
    ByteBuffer bytes(String name) {
        return ByteBuffer.wrap(data.get(name)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Replaces a tensor's dtype, shape and bytes (data offsets are laid out again on write). */
    CheckpointEditor put(String name, String dtype, long[] shape, byte[] bytes) {
        ObjectNode t = header.has(name) ? tensor(name) : header.putObject(name);
        t.put("dtype", dtype);
        var s = t.putArray("shape");
        for (long d : shape) s.add(d);
        t.putArray("data_offsets").add(0).add(0);
        data.put(name, bytes);
        return this;
    }

    /** A tensor that claims {@code shape} but has {@code bytes} (the offsets say so): a header that lies about sizes. */
    CheckpointEditor claim(String name, String dtype, long[] shape, int bytes) {
        return put(name, dtype, shape, new byte[bytes]);
    }

    void write(Path out) throws IOException {
        ObjectNode meta = meta();
        long offset = 0;
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            CRC32C c = new CRC32C();
            c.update(e.getValue());
            meta.put("crc32c.tensor." + e.getKey(), HexFormat.of().toHexDigits((int) c.getValue()));
            tensor(e.getKey()).putArray("data_offsets").add(offset).add(offset + e.getValue().length);
            offset += e.getValue().length;
        }
        meta.put("crc32c.header", "00000000");
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        byte[] head = new byte[8 + padded];
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
        System.arraycopy(json, 0, head, 8, json.length);
        for (int i = 8 + json.length; i < head.length; i++) head[i] = ' ';
        CRC32C c = new CRC32C();
        c.update(head);
        byte[] key = "\"crc32c.header\":\"00000000\"".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(head, key) + key.length - 9;
        System.arraycopy(HexFormat.of().toHexDigits((int) c.getValue()).getBytes(StandardCharsets.US_ASCII), 0, head, at, 8);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(head);
        for (byte[] d : data.values()) all.write(d);
        Files.write(out, all.toByteArray());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new IllegalStateException("no crc32c.header entry");
    }
}
