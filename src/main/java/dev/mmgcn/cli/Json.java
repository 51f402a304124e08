package dev.mmgcn.cli;

import java.util.Locale;
import java.util.Map;

/** Just enough JSON writing for metrics lines and summaries; numbers with full float precision. */
final class Json {
    private Json() {
    }

    static String of(Map<String, ?> map) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : map.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(quote(e.getKey())).append(':').append(value(e.getValue()));
        }
        return sb.append('}').toString();
    }

    @SuppressWarnings("unchecked")
    private static String value(Object v) {
        if (v == null) return "null";
        if (v instanceof Map<?, ?> m) return of((Map<String, ?>) m);
        if (v instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
        if (v instanceof Float f) return Float.isFinite(f) ? String.format(Locale.ROOT, "%.6g", f) : "null";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof int[] a) return java.util.Arrays.toString(a).replace(" ", "");
        return quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
