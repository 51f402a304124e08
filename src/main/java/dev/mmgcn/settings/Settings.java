package dev.mmgcn.settings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolved values for a set of {@link Key}s, each with the {@link Source} it came from. Values are
 * layered: defaults, then each {@link Layer} in turn (a config file, then the command line), a later
 * layer replacing what an earlier one set. A {@link Family} pair says which keys cannot be combined:
 * both in one layer is an error naming both; a later layer choosing one side drops what earlier
 * layers set on the other side (the command line's {@code --data} replaces a file's {@code synthetic}).
 */
public final class Settings {
    /**
     * Raw values from one source, keyed by setting name in any spelling {@link Key#canonical} accepts; null = unset,
     * allowed only for a key whose default is unset (a run record writes those as null); for any other key a null is
     * refused, naming it, since "epochs:" with no value is more likely a slip than a wish for the default.
     */
    public record Layer(Source source, Map<String, ?> values) {
        public Layer {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /** Two groups of keys that exclude each other, and why (said in the error). */
    public record Family(List<Key<?>> one, List<Key<?>> other, String why) {
    }

    private final List<Key<?>> keys;
    private final List<Family> families;
    private final List<Layer> layers;
    private final Map<Key<?>, Object> values;
    private final Map<Key<?>, Source> sources;

    private Settings(List<Key<?>> keys, List<Family> families, List<Layer> layers, Map<Key<?>, Object> values,
                     Map<Key<?>, Source> sources) {
        this.keys = List.copyOf(keys);
        this.families = List.copyOf(families);
        this.layers = List.copyOf(layers);
        this.values = values;
        this.sources = sources;
    }

    public static Settings resolve(List<Key<?>> keys, List<Family> families, List<Layer> layers) {
        Map<String, Key<?>> byName = new LinkedHashMap<>();
        for (Key<?> k : keys) byName.put(Key.canonical(k.name()), k);
        Map<Key<?>, Object> values = new LinkedHashMap<>();
        Map<Key<?>, Source> sources = new LinkedHashMap<>();
        for (Key<?> k : keys) {
            values.put(k, k.fallback());
            sources.put(k, Source.DEFAULT);
        }
        for (Layer layer : layers) {
            Map<Key<?>, Object> parsed = new LinkedHashMap<>();
            Map<Key<?>, String> spelled = new LinkedHashMap<>();
            for (Map.Entry<String, ?> e : layer.values().entrySet()) {
                Key<?> k = byName.get(Key.canonical(e.getKey()));
                if (k == null) throw unknown(layer.source(), e.getKey(), byName.values());
                String before = spelled.put(k, e.getKey());
                if (before != null) {
                    throw new SettingsException(layer.source() + ": '" + before + "' and '" + e.getKey() + "' are the same setting, given twice");
                }
                if (e.getValue() == null && k.fallback() != null) {
                    // "epochs:" or "epochs: null" in a file: a setting left empty, not a request for the default
                    Object dflt = k.toJson(k.fallback());
                    throw new SettingsException(layer.source().where(k) + " has no value; give one, or leave the key out for the default "
                            + (dflt instanceof java.util.List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : dflt));
                }
                try {
                    parsed.put(k, k.parse(e.getValue()));
                } catch (IllegalArgumentException ex) {
                    throw new SettingsException(layer.source().where(k) + " " + ex.getMessage(), ex);
                }
            }
            for (Family f : families) {
                Key<?> a = firstSet(parsed, f.one());
                Key<?> b = firstSet(parsed, f.other());
                if (a != null && b != null) {
                    throw new SettingsException(names(layer.source(), a, b) + " cannot be combined: " + f.why());
                }
                Key<?> chosen = a != null ? a : b;
                if (chosen != null) {
                    for (Key<?> drop : a != null ? f.other() : f.one()) {
                        values.put(drop, drop.fallback());
                        sources.put(drop, Source.DEFAULT);
                    }
                }
            }
            for (Map.Entry<Key<?>, Object> e : parsed.entrySet()) {
                Key<?> k = e.getKey();
                values.put(k, e.getValue() == null ? k.fallback() : e.getValue());
                sources.put(k, e.getValue() == null ? Source.DEFAULT : layer.source());
            }
        }
        return new Settings(keys, families, layers, values, sources);
    }

    /** These settings with {@code overrides} applied on top, as one more layer (a sweep's trial, a replay with changes). */
    public Settings with(Layer overrides) {
        List<Layer> more = new ArrayList<>(layers);
        more.add(overrides);
        return resolve(keys, families, more);
    }

    /** The layers these settings were resolved from, lowest precedence first. */
    public List<Layer> layers() {
        return layers;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        if (!values.containsKey(key)) throw new IllegalArgumentException("no setting " + key.name() + " here");
        return (T) values.get(key);
    }

    /** True when a source other than the defaults set it. */
    public boolean given(Key<?> key) {
        return sources.get(key) != Source.DEFAULT;
    }

    public Source source(Key<?> key) {
        return sources.get(key);
    }

    /** How a message names this key as set here: {@code --data}, {@code run.yaml: data}, … */
    public String where(Key<?> key) {
        return sources.get(key).where(key);
    }

    public List<Key<?>> keys() {
        return keys;
    }

    /** Every key in order, as JSON values (null for unset). */
    public Map<String, Object> toMap(Collection<Key<?>> only) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Key<?> k : keys) if (only.contains(k)) m.put(k.name(), k.toJson(values.get(k)));
        return m;
    }

    private static Key<?> firstSet(Map<Key<?>, Object> parsed, List<Key<?>> keys) {
        for (Key<?> k : keys) if (parsed.get(k) != null) return k;
        return null;
    }

    private static String names(Source s, Key<?> a, Key<?> b) {
        if (s.commandLine()) return a.option() + " and " + b.option();
        return s + ": " + a.name() + " and " + b.name();
    }

    private static SettingsException unknown(Source source, String name, Collection<Key<?>> keys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Key<?> k : keys) {
            int d = distance(Key.canonical(name), Key.canonical(k.name()));
            if (d < bestDistance) {
                bestDistance = d;
                best = k.name();
            }
        }
        String hint = bestDistance <= 2 ? " (did you mean '" + best + "'?)" : "";
        String prefix = source.commandLine() ? "unknown option --" + name : source + ": unknown setting '" + name + "'";
        return new SettingsException(prefix + hint + "; settings are named like the train options without dashes, e.g. epochs, lr, weight-decay");
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Settings s)) return false;
        if (!keys.equals(s.keys)) return false;
        for (Key<?> k : keys) {
            if (!Objects.equals(k.toJson(values.get(k)), k.toJson(s.values.get(k)))) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = keys.hashCode();
        for (Key<?> k : keys) h = 31 * h + Objects.hashCode(k.toJson(values.get(k)));
        return h;
    }
}
