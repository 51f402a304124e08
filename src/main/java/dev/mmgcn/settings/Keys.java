package dev.mmgcn.settings;

import dev.mmgcn.eval.RankingMetrics;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Factories for the kinds of {@link Key} the commands use. Every parser accepts what a command line
 * gives (a string) and what YAML or JSON gives (numbers, booleans, lists), and its messages give the
 * reason only; the caller says which flag or file the value came from.
 */
public final class Keys {
    /** Longest path accepted (Linux's PATH_MAX). */
    static final int MAX_PATH = 4096;

    private Keys() {
    }

    public static Key<Integer> integer(String name, Key.Group g, String label, Integer fallback, int min, String help) {
        return new Key<>(name, g, label, help, fallback, raw -> {
            long v = toLong(raw, "an integer");
            if (v < min || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(v < min ? "must be at least " + min + ", got " + v : "is too large: " + v);
            }
            return (int) v;
        }, v -> v, false, false);
    }

    /** A thread count: {@link Threads}' rule, the same for every command. */
    public static Key<Integer> threads(String name, Key.Group g, String label, String help) {
        return new Key<>(name, g, label, help, null, raw -> {
            long v = toLong(raw, "an integer");
            String problem = Threads.problem(v);
            if (problem != null) throw new IllegalArgumentException(problem);
            return (int) v;
        }, v -> v, false, false);
    }

    public static Key<Long> longValue(String name, Key.Group g, String label, Long fallback, long min, String help) {
        return new Key<>(name, g, label, help, fallback, raw -> {
            long v = toLong(raw, "an integer");
            if (v < min) throw new IllegalArgumentException("must be at least " + min + ", got " + v);
            return v;
        }, v -> v, false, false);
    }

    /** A finite float; {@code positive} demands > 0, otherwise ≥ 0. */
    public static Key<Float> number(String name, Key.Group g, String label, float fallback, boolean positive, String help) {
        return new Key<>(name, g, label, help, fallback, raw -> {
            float v = toFloat(raw);
            if (positive && !(v > 0)) throw new IllegalArgumentException("must be positive, got " + raw);
            if (!positive && !(v >= 0)) throw new IllegalArgumentException("must be ≥ 0, got " + raw);
            return v;
        }, v -> v, false, false);
    }

    /** A finite float that may be left unset (null: the model decides); {@code below1} demands [0, 1). */
    public static Key<Float> optionalNumber(String name, Key.Group g, String label, boolean below1, String help) {
        return new Key<>(name, g, label, help, null, raw -> {
            float v = toFloat(raw);
            if (!(v >= 0)) throw new IllegalArgumentException("must be ≥ 0, got " + raw);
            if (below1 && !(v < 1)) throw new IllegalArgumentException("must be in [0, 1), got " + raw);
            return v;
        }, v -> v, false, false);
    }

    /**
     * Weights per name: "visual=0.1,textual=0.9", a list of such entries, or a map {visual: 0.1}. Each
     * weight a finite number ≥ 0; kept in order.
     */
    public static Key<Map<String, Float>> weights(String name, Key.Group g, String help) {
        return new Key<>(name, g, "NAME=W,…", help, null, raw -> {
            Map<String, Float> out = new LinkedHashMap<>();
            if (raw instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) putWeight(out, String.valueOf(e.getKey()).trim(), e.getValue(), raw);
            } else {
                for (Object o : listOf(raw)) {
                    String spec = scalarString(o);
                    int eq = spec.indexOf('=');
                    if (eq <= 0 || eq == spec.length() - 1) throw new IllegalArgumentException("expects NAME=WEIGHT,…, got '" + display(raw) + "'");
                    putWeight(out, spec.substring(0, eq).trim(), spec.substring(eq + 1).trim(), raw);
                }
            }
            if (out.isEmpty()) throw new IllegalArgumentException("needs at least one NAME=WEIGHT");
            return java.util.Collections.unmodifiableMap(out);
        }, v -> v.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), false, false);
    }

    private static void putWeight(Map<String, Float> out, String name, Object w, Object raw) {
        float v;
        try {
            v = toFloat(w);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("needs a number for '" + name + "', got '" + display(raw) + "'");
        }
        if (!(v >= 0)) throw new IllegalArgumentException("needs a weight ≥ 0 for '" + name + "', got " + v);
        if (out.put(name, v) != null) throw new IllegalArgumentException("names '" + name + "' twice");
    }

    /** One of a fixed set of lower-case words. */
    public static Key<String> choice(String name, Key.Group g, String label, String fallback, List<String> choices, String help) {
        return new Key<>(name, g, label, help, fallback, raw -> {
            String s = scalarString(raw).trim().toLowerCase(Locale.ROOT);
            if (!choices.contains(s)) throw new IllegalArgumentException("expects one of " + choices + ", got '" + raw + "'");
            return s;
        }, v -> v, false, false);
    }

    public static Key<String> text(String name, Key.Group g, String label, String fallback, String help) {
        return new Key<>(name, g, label, help, fallback, raw -> {
            String s = scalarString(raw).trim();
            if (s.isEmpty()) throw new IllegalArgumentException("is empty");
            return s;
        }, v -> v, false, false);
    }

    /** A file or folder; made absolute (against the working folder) when read, so a record of it means the same anywhere. */
    public static Key<Path> path(String name, Key.Group g, String label, String help) {
        return new Key<>(name, g, label, help, null, raw -> {
            String s = scalarString(raw).trim();
            if (s.isEmpty()) throw new IllegalArgumentException("is empty");
            if (s.length() > MAX_PATH) {
                throw new IllegalArgumentException("is " + s.length() + " characters long, more than a path may have (" + MAX_PATH + "): '"
                        + s.substring(0, 60) + "…'");
            }
            try {
                return Path.of(s).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path: '" + s + "' (" + e.getReason() + ")");
            }
        }, Path::toString, false, false);
    }

    public static Key<Boolean> flag(String name, Key.Group g, String help) {
        return new Key<>(name, g, null, help, false, raw -> {
            if (raw instanceof Boolean b) return b;
            String s = scalarString(raw).trim().toLowerCase(Locale.ROOT);
            return switch (s) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException("expects true or false, got '" + raw + "'");
            };
        }, v -> v, true, false);
    }

    /** "recall@20": a metric name and a cut-off of at least 1. */
    public static Key<String> metric(String name, Key.Group g, String fallback, String help) {
        return new Key<>(name, g, "M@K", help, fallback, raw -> {
            String s = scalarString(raw).trim().toLowerCase(Locale.ROOT);
            int at = s.indexOf('@');
            if (at < 0) throw new IllegalArgumentException("expects METRIC@K such as recall@20, got '" + raw + "'");
            String metric = s.substring(0, at);
            if (!Arrays.asList(RankingMetrics.NAMES).contains(metric)) {
                throw new IllegalArgumentException("expects one of " + String.join(", ", RankingMetrics.NAMES) + " before the @, got '" + raw + "'");
            }
            long k;
            try {
                k = Long.parseLong(s.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expects an integer K after the @, got '" + raw + "'");
            }
            if (k < 1 || k > Integer.MAX_VALUE) throw new IllegalArgumentException("needs K of at least 1, got '" + raw + "'");
            return metric + "@" + k;
        }, v -> v, false, false);
    }

    /** Cut-offs: "10,20,50" or a list; each at least 1; sorted, repeats dropped. */
    public static Key<int[]> cutoffs(String name, Key.Group g, int[] fallback, String help) {
        return new Key<>(name, g, "LIST", help, fallback, raw -> {
            List<Object> items = listOf(raw);
            if (items.isEmpty()) throw new IllegalArgumentException("needs at least one cut-off");
            int[] out = new int[items.size()];
            for (int i = 0; i < out.length; i++) {
                long v;
                try {
                    v = toLong(items.get(i), "an integer");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("expects comma-separated integers, got '" + display(raw) + "'");
                }
                if (v < 1 || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("needs cut-offs of at least 1, got " + v + " in '" + display(raw) + "'");
                }
                out[i] = (int) v;
            }
            return Arrays.stream(out).sorted().distinct().toArray();
        }, v -> Arrays.stream(v).boxed().toList(), false, false);
    }

    /** Names: "visual,acoustic" or a list; no repeats. */
    public static Key<List<String>> names(String name, Key.Group g, String label, String help) {
        return new Key<>(name, g, label, help, null, raw -> {
            List<String> out = new ArrayList<>();
            for (Object o : listOf(raw)) {
                String s = scalarString(o).trim();
                if (s.isEmpty()) continue;
                if (out.contains(s)) throw new IllegalArgumentException("lists '" + s + "' twice");
                out.add(s);
            }
            if (out.isEmpty()) throw new IllegalArgumentException("needs at least one name");
            return List.copyOf(out);
        }, v -> v, false, false);
    }

    /**
     * Modality files: NAME=FILE entries, repeatable on the command line; in a file a list of NAME=FILE
     * strings or a map NAME: FILE. Kept in order.
     */
    public static Key<Map<String, String>> modalityFiles(String name, Key.Group g, String help) {
        return new Key<>(name, g, "NAME=FILE", help, null, raw -> {
            Map<String, String> out = new LinkedHashMap<>();
            if (raw instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) put(out, String.valueOf(e.getKey()).trim(), scalarString(e.getValue()).trim(), raw);
            } else {
                for (Object o : listOf(raw)) {
                    String spec = scalarString(o);
                    int eq = spec.indexOf('=');
                    if (eq <= 0 || eq == spec.length() - 1) throw new IllegalArgumentException("expects NAME=FILE, got '" + spec + "'");
                    put(out, spec.substring(0, eq).trim(), spec.substring(eq + 1).trim(), raw);
                }
            }
            if (out.isEmpty()) throw new IllegalArgumentException("needs at least one NAME=FILE");
            return java.util.Collections.unmodifiableMap(out);
        }, v -> v.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), false, true);
    }

    private static void put(Map<String, String> out, String name, String file, Object raw) {
        if (name.isEmpty() || file.isEmpty()) throw new IllegalArgumentException("expects NAME=FILE, got '" + display(raw) + "'");
        if (out.put(name, file) != null) throw new IllegalArgumentException("gives modality '" + name + "' twice");
    }

    // ---- raw value helpers

    static long toLong(Object raw, String what) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) return ((Number) raw).longValue();
        if (raw instanceof java.math.BigInteger b) {
            if (b.bitLength() < 64) return b.longValue();
            throw new IllegalArgumentException("is too large: " + b);
        }
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9e15) return (long) d;
            throw new IllegalArgumentException("expects " + what + ", got " + raw);
        }
        String s = scalarString(raw).trim().replace("_", "");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expects " + what + ", got '" + raw + "'");
        }
    }

    static float toFloat(Object raw) {
        float v;
        if (raw instanceof Number n) {
            v = n.floatValue();
        } else {
            String s = scalarString(raw).trim();
            try {
                v = Float.parseFloat(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expects a number, got '" + raw + "'");
            }
        }
        if (!Float.isFinite(v)) throw new IllegalArgumentException("expects a finite number, got '" + raw + "'");
        return v;
    }

    /** A scalar as text; a list or map where a single value belongs is refused. */
    static String scalarString(Object raw) {
        if (raw instanceof List<?> || raw instanceof Map<?, ?>) {
            throw new IllegalArgumentException("expects a single value, got " + display(raw));
        }
        return String.valueOf(raw);
    }

    /** A list from a YAML/JSON list, a comma-separated string, or a single scalar. */
    static List<Object> listOf(Object raw) {
        if (raw instanceof List<?> l) return new ArrayList<>(l);
        if (raw instanceof Map<?, ?>) throw new IllegalArgumentException("expects a list, got " + display(raw));
        String s = String.valueOf(raw);
        List<Object> out = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            if (!part.isBlank()) out.add(part.trim());
            else if (s.contains(",")) throw new IllegalArgumentException("has an empty entry in '" + s + "'");
        }
        return out;
    }

    static String display(Object raw) {
        if (raw instanceof List<?> l) return String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(raw);
    }
}
