package dev.mmgcn.runs;

import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.SettingsException;
import dev.mmgcn.settings.TrainSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's grid: for each setting, the values to try. It comes from a file with the keys of a config
 * file, where a list means "try each" and a single value is held fixed ({@code lr: [0.001, 0.003]},
 * {@code synthetic: tiny}), or from inline {@code --grid lr=0.001,0.0005} entries. For a setting whose
 * value is itself a list ({@code ks}, {@code modality}, {@code modalities}) a list of lists means "try
 * each", and inline alternatives are separated by {@code ;} ({@code ks=10,20;20,50}).
 *
 * <p>Every key is checked against the train settings (an unknown one is named, with the valid ones
 * listed) and {@code out} is refused: the sweep chooses each trial's folder.
 */
public final class Grid {
    /** Settings whose single value is a list. */
    private static final Set<Key<?>> LIST_VALUED = Set.of(TrainSettings.KS, DataSpec.MODALITY, DataSpec.MODALITIES);

    /** One setting of the grid: its key, where it was given, and the raw values to try (one for a fixed value). */
    public record Axis(Key<?> key, String source, List<Object> values) {
        public boolean varied() {
            return values.size() > 1;
        }
    }

    private final Map<Key<?>, Axis> axes;

    private Grid(Map<Key<?>, Axis> axes) {
        this.axes = axes;
    }

    public static Grid empty() {
        return new Grid(new LinkedHashMap<>());
    }

    public List<Axis> axes() {
        return List.copyOf(axes.values());
    }

    /** The varied axes only: the settings that name a trial. */
    public List<Axis> varied() {
        return axes.values().stream().filter(Axis::varied).toList();
    }

    /** A grid file (YAML or JSON): a mapping of setting → value or list of values. */
    public static Grid fromFile(Path file) {
        if (!Files.exists(file)) throw new SettingsException("--grid: " + file + " does not exist (give a YAML/JSON file or KEY=V1,V2)");
        if (Files.isDirectory(file)) throw new SettingsException("--grid: " + file + " is a folder; give a YAML or JSON file");
        ConfigFile cf;
        try {
            cf = ConfigFile.read(file);
        } catch (SettingsException e) {
            throw new SettingsException(e.getMessage().replace("--config:", "--grid:"), e);
        }
        Map<Key<?>, Axis> axes = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : cf.layer().values().entrySet()) {
            Key<?> k = key(e.getKey(), file.toString());
            List<Object> values = alternatives(k, e.getValue(), file + ": " + k.name());
            put(axes, new Axis(k, file.toString(), values));
        }
        return new Grid(axes);
    }

    /** {@code KEY=V1,V2,…} from the command line ({@code ;} between alternatives of a list-valued setting). */
    public static Grid inline(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new SettingsException("--grid: expects a grid file or KEY=V1,V2,... (e.g. lr=0.001,0.0005), got '" + spec + "'");
        }
        Key<?> k = key(spec.substring(0, eq).trim(), "--grid");
        String rest = spec.substring(eq + 1);
        String separator = LIST_VALUED.contains(k) ? ";" : ",";
        List<Object> values = new ArrayList<>();
        for (String part : rest.split(separator, -1)) {
            if (part.isBlank()) throw new SettingsException("--grid " + k.name() + ": an empty value in '" + rest + "'");
            values.add(part.trim());
        }
        Map<Key<?>, Axis> axes = new LinkedHashMap<>();
        axes.put(k, new Axis(k, "--grid", values));
        return new Grid(axes);
    }

    /** This grid with {@code other}'s axes added; a setting in both is an error naming both places. */
    public Grid and(Grid other) {
        Map<Key<?>, Axis> merged = new LinkedHashMap<>(axes);
        for (Axis a : other.axes.values()) put(merged, a);
        return new Grid(merged);
    }

    /** Number of trials: the product of the axes' lengths, exactly; {@link Long#MAX_VALUE} when it is larger. */
    public long size() {
        long n = 1;
        for (Axis a : axes.values()) {
            try {
                n = Math.multiplyExact(n, a.values().size());
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE; // a grid of 2^64 trials once wrapped to 0 and passed the trial cap
            }
        }
        return n;
    }

    /** The product of the axes' lengths, as a number that cannot overflow (for messages). */
    public java.math.BigInteger exactSize() {
        java.math.BigInteger n = java.math.BigInteger.ONE;
        for (Axis a : axes.values()) n = n.multiply(java.math.BigInteger.valueOf(a.values().size()));
        return n;
    }

    /**
     * Every combination, in order: the first axis varies slowest (as nested loops written in the grid's order).
     * Each map holds a raw value for every axis, fixed ones included.
     */
    public List<Map<String, Object>> combinations() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Axis a : axes.values()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : a.values()) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(a.key().name(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    private static void put(Map<Key<?>, Axis> axes, Axis a) {
        Axis before = axes.put(a.key(), a);
        if (before != null) {
            throw new SettingsException("--grid: '" + a.key().name() + "' is given twice (" + before.source() + " and " + a.source() + ")");
        }
    }

    private static Key<?> key(String name, String where) {
        for (Key<?> k : TrainSettings.KEYS) {
            if (Key.canonical(k.name()).equals(Key.canonical(name))) {
                if (k == TrainSettings.OUT) {
                    throw new SettingsException(where + ": 'out' cannot be part of a grid: each trial's folder is chosen by the sweep (give the sweep's folder with --out)");
                }
                return k;
            }
        }
        List<String> valid = TrainSettings.RECORDED.stream().map(Key::name).toList();
        throw new SettingsException(where + ": unknown setting '" + name + "' in the grid; valid settings: " + String.join(", ", valid));
    }

    private static List<Object> alternatives(Key<?> k, Object raw, String where) {
        List<Object> values;
        if (raw instanceof List<?> list) {
            boolean listOfLists = !list.isEmpty() && list.stream().allMatch(o -> o instanceof List<?> || o instanceof Map<?, ?>);
            if (LIST_VALUED.contains(k) && !listOfLists) values = List.of(raw); // one list value, held fixed
            else values = new ArrayList<>(list);
        } else {
            values = new ArrayList<>();
            values.add(raw);
        }
        if (values.isEmpty()) throw new SettingsException(where + ": an empty list; give at least one value to try");
        return values;
    }
}
