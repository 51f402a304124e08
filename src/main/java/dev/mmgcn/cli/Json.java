package dev.mmgcn.cli;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;

/** JSON for run records: numbers at full precision (shortest exact form), non-finite numbers as null. */
final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

    private Json() {
    }

    /** One line, for metrics.jsonl. */
    static String line(Map<String, ?> map) {
        return MAPPER.writeValueAsString(clean(map));
    }

    /** Indented, for config.json and summary.json. */
    static String pretty(Map<String, ?> map) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(clean(map)) + "\n";
    }

    /** Any value (string, number, list, map) as JSON text. */
    static String value(Object v) {
        return MAPPER.writeValueAsString(clean(v));
    }

    /** A JSON value back: String, Integer/Long/Double, Boolean, List, Map or null. */
    static Object parseValue(String json) {
        return MAPPER.readValue(json, Object.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String json) {
        return MAPPER.readValue(json, Map.class);
    }

    /** NaN and infinities are not JSON: they become null. */
    private static Object clean(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) return null;
        if (v instanceof Float f && !Float.isFinite(f)) return null;
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, clean(x)));
            return out;
        }
        if (v instanceof java.util.List<?> l) return l.stream().map(Json::clean).toList();
        if (v instanceof int[] a) return java.util.Arrays.stream(a).boxed().toList();
        return v;
    }
}
