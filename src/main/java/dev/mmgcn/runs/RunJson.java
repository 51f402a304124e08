package dev.mmgcn.runs;

import dev.mmgcn.data.DataException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON in and out for the run records this package reads (config.json, summary.json, metrics.jsonl) and writes. */
public final class RunJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private RunJson() {
    }

    public static String pretty(Object value) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(clean(value)) + "\n";
    }

    public static String line(Object value) {
        return MAPPER.writeValueAsString(clean(value));
    }

    /** A JSON object from a file; null when the file does not exist; a damaged one is a {@link DataException} naming it. */
    public static Map<String, Object> readObject(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        return parseObject(text, file.toString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text, String where) {
        Object v;
        try {
            v = MAPPER.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new DataException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!(v instanceof Map<?, ?> m)) throw new DataException(where + ": expected a JSON object");
        return (Map<String, Object>) m;
    }

    /** The objects of a JSON-lines file, one per non-blank line; an empty list when it does not exist. */
    public static List<Map<String, Object>> readLines(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        List<Map<String, Object>> out = new ArrayList<>();
        int n = 0;
        for (String l : Files.readAllLines(file)) {
            n++;
            if (!l.isBlank()) out.add(parseObject(l, file + ":" + n));
        }
        return out;
    }

    /** The value at a path of keys in nested maps, or null. */
    @SuppressWarnings("unchecked")
    public static <T> T at(Map<String, Object> m, String... path) {
        Object v = m;
        for (String p : path) {
            if (!(v instanceof Map<?, ?> map)) return null;
            v = ((Map<String, Object>) map).get(p);
        }
        return (T) v;
    }

    /** A number at a path, or NaN. */
    public static double number(Map<String, Object> m, String... path) {
        Object v = at(m, path);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Object clean(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) return null;
        if (v instanceof Float f && !Float.isFinite(f)) return null;
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, clean(x)));
            return out;
        }
        if (v instanceof List<?> l) return l.stream().map(RunJson::clean).toList();
        if (v instanceof Path p) return p.toString();
        return v;
    }
}
