package dev.mmgcn.runs;

import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.SettingsException;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sweep's trials, resolved before anything runs: the cartesian product of the grid on top of the base
 * settings, each trial's settings checked (a bad value names the grid entry), each trial named after the
 * settings it varies. {@code sweep.json} records the plan; a later run with the same folder must have
 * the same plan, so that a finished trial it skips is the trial it would have run.
 */
public final class SweepPlan {
    public static final String FILE = "sweep.json";
    /** Most trials one sweep plans. */
    public static final int MAX_TRIALS = 10_000;

    private final TrainSettings base;
    private final Grid grid;
    private final List<Trial> trials;

    private SweepPlan(TrainSettings base, Grid grid, List<Trial> trials) {
        this.base = base;
        this.grid = grid;
        this.trials = trials;
    }

    public static SweepPlan of(TrainSettings base, Grid grid) {
        if (grid.axes().isEmpty()) throw new SettingsException("--grid: the grid is empty; give settings to try, e.g. --grid lr=0.001,0.0005");
        if (grid.size() > MAX_TRIALS) {
            throw new SettingsException(String.format(java.util.Locale.ROOT, "--grid: %,d trials; a sweep runs at most %,d", grid.exactSize(), MAX_TRIALS));
        }
        for (Grid.Axis a : grid.axes()) {
            String where = a.source().equals("--grid") ? "--grid " + a.key().name() : a.source() + ": " + a.key().name();
            Map<Object, Object> seen = new java.util.HashMap<>();
            for (Object v : a.values()) {
                Object value;
                try {
                    value = a.key().toJson(a.key().parse(v));
                } catch (IllegalArgumentException e) {
                    throw new SettingsException(where + " " + e.getMessage(), e);
                }
                Object before = seen.putIfAbsent(value, v);
                if (before != null) {
                    throw new SettingsException(where + ": " + show(v) + (String.valueOf(before).equals(String.valueOf(v)) ? " is listed twice"
                            : " and " + show(before) + " are the same value") + "; each trial would repeat the other (to repeat a run, vary seed)");
                }
            }
        }
        List<Grid.Axis> varied = grid.varied();
        List<Trial> trials = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (Map<String, Object> combination : grid.combinations()) {
            index++;
            Map<String, Object> shown = new LinkedHashMap<>();
            for (Grid.Axis a : varied) shown.put(a.key().name(), combination.get(a.key().name()));
            String name = name(shown, null);
            String group = name(shown, TrainSettings.SEED);
            if (!names.add(name)) name = name + "_" + index; // two values that read the same once made safe for a folder name
            TrainSettings s = base.with(new Settings.Layer(Source.of("sweep trial " + name), combination));
            Map<String, Object> json = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : shown.entrySet()) json.put(e.getKey(), keyOf(e.getKey()).toJson(s.get(keyOf(e.getKey()))));
            trials.add(new Trial(index, name, group, json, s));
        }
        return new SweepPlan(base, grid, List.copyOf(trials));
    }

    public List<Trial> trials() {
        return trials;
    }

    public Grid grid() {
        return grid;
    }

    /** The validation metric trials are selected by. */
    public String metric() {
        return base.training().validMetric();
    }

    /** sweep.json's content. */
    public Map<String, Object> toMap(String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mmgcn_engine", version);
        m.put("created", OffsetDateTime.now().toString());
        m.put("metric", metric());
        Map<String, Object> g = new LinkedHashMap<>();
        for (Grid.Axis a : grid.axes()) g.put(a.key().name(), a.values());
        m.put("grid", g);
        m.put("base", base.toMap());
        m.put("trials", trialsJson());
        return m;
    }

    private List<Object> trialsJson() {
        List<Object> list = new ArrayList<>();
        for (Trial t : trials) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("group", t.group());
            e.put("varied", t.varied());
            e.put("settings", t.settings().toMap());
            list.add(e);
        }
        return list;
    }

    /**
     * Checks a folder that already holds a sweep.json: it must be this plan (same trials, same settings),
     * else the message names the first difference. Returns normally when it is.
     */
    public void checkSame(Path sweepJson, String flag) throws IOException {
        Map<String, Object> before = RunJson.readObject(sweepJson);
        Object theirs = before == null ? null : before.get("trials");
        Object ours = RunJson.parseObject(RunJson.line(Map.of("t", trialsJson())), "plan").get("t");
        if (Objects.equals(theirs, ours)) return;
        String why = "its trials differ";
        if (theirs instanceof List<?> tl && ours instanceof List<?> ol) {
            List<String> tn = tl.stream().map(o -> String.valueOf(RunJson.<Object>at(cast(o), "name"))).toList();
            List<String> on = ol.stream().map(o -> String.valueOf(RunJson.<Object>at(cast(o), "name"))).toList();
            if (!tn.equals(on)) {
                why = "it plans " + tn.size() + " trials (" + preview(tn) + "), this one " + on.size() + " (" + preview(on) + ")";
            } else {
                for (int i = 0; i < tl.size(); i++) {
                    Map<String, Object> ts = RunJson.at(cast(tl.get(i)), "settings"), os = RunJson.at(cast(ol.get(i)), "settings");
                    if (ts == null || os == null) break;
                    for (String k : os.keySet()) {
                        if (!Objects.equals(ts.get(k), os.get(k))) {
                            why = "trial " + on.get(i) + " has " + k + " " + ts.get(k) + " there, " + os.get(k) + " here";
                            break;
                        }
                    }
                    if (!why.equals("its trials differ")) break;
                }
            }
        }
        throw new SettingsException(flag + ": " + sweepJson.getParent() + " holds a different sweep (" + why
                + "); a re-run continues a sweep only with the same base settings and grid: choose a new folder for this one");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String preview(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names) : String.join(", ", names.subList(0, 3)) + ", …";
    }

    /** A folder name from the varied settings: key=value joined by '_', without characters a path cannot hold. */
    static String name(Map<String, Object> varied, Key<?> leaveOut) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : varied.entrySet()) {
            if (leaveOut != null && e.getKey().equals(leaveOut.name())) continue;
            parts.add(e.getKey() + "=" + display(e.getValue()));
        }
        if (parts.isEmpty()) return "trial";
        String s = String.join("_", parts).replaceAll("[^A-Za-z0-9._,=+@-]", "-");
        return s.length() > 120 ? s.substring(0, 120) : s;
    }

    private static String show(Object v) {
        return v instanceof List<?> l ? "[" + display(l) + "]" : "'" + v + "'";
    }

    private static String display(Object v) {
        if (v instanceof List<?> l) return String.join(",", l.stream().map(SweepPlan::display).toList());
        if (v instanceof Map<?, ?> m) return String.join(",", m.entrySet().stream().map(e -> e.getKey() + "=" + display(e.getValue())).toList());
        String s = String.valueOf(v);
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return slash >= 0 && slash < s.length() - 1 ? s.substring(slash + 1) : s; // a data folder by its last part
    }

    private static Key<?> keyOf(String name) {
        for (Key<?> k : TrainSettings.KEYS) if (k.name().equals(name)) return k;
        throw new IllegalArgumentException("no key " + name);
    }

    /** True when the folder exists and holds anything. */
    static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(dev.mmgcn.io.FolderLock.NAME)); // a killed process's lock is not content
        }
    }
}
