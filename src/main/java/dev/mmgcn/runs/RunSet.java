package dev.mmgcn.runs;

import dev.mmgcn.settings.SettingsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Run folders named on a command line: each a run folder, or a sweep folder standing for its trials' folders. */
public final class RunSet {
    private RunSet() {
    }

    /** A sweep folder holds sweep.json. */
    public static boolean isSweep(Path dir) {
        return Files.isRegularFile(dir.resolve(SweepPlan.FILE));
    }

    /** The runs the paths stand for, in order; a path that is neither kind is a usage error naming it. */
    public static List<RunInfo> expand(List<Path> paths) {
        List<RunInfo> runs = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) throw new SettingsException(p + " does not exist");
            if (!Files.isDirectory(p)) throw new SettingsException(p + " is a file; give a run folder or a sweep folder");
            if (isSweep(p)) {
                for (Path t : trialDirs(p)) runs.add(RunInfo.read(t));
            } else if (RunInfo.isRun(p)) {
                runs.add(RunInfo.read(p));
            } else {
                throw new SettingsException(p + " is neither a run folder (no " + RunInfo.CONFIG + ") nor a sweep folder (no "
                        + SweepPlan.FILE + ")");
            }
        }
        return runs;
    }

    /** A sweep's trial folders that exist, in the plan's order. */
    public static List<Path> trialDirs(Path sweep) {
        try {
            Map<String, Object> plan = RunJson.readObject(sweep.resolve(SweepPlan.FILE));
            List<Path> out = new ArrayList<>();
            Object trials = plan == null ? null : plan.get("trials");
            if (trials instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && m.get("name") instanceof String name && RunInfo.isRun(sweep.resolve(name))) {
                        out.add(sweep.resolve(name));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sweep's trial names and groups from its sweep.json, in order. */
    public static List<Trial> trials(Path sweep) {
        try {
            Map<String, Object> plan = RunJson.readObject(sweep.resolve(SweepPlan.FILE));
            List<Trial> out = new ArrayList<>();
            Object trials = plan == null ? null : plan.get("trials");
            int i = 0;
            if (trials instanceof List<?> list) {
                for (Object o : list) {
                    i++;
                    if (o instanceof Map<?, ?> m && m.get("name") instanceof String name) {
                        String group = m.get("group") instanceof String g ? g : name;
                        @SuppressWarnings("unchecked") Map<String, Object> varied = m.get("varied") instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.of();
                        out.add(new Trial(i, name, group, varied, null));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric recorded in a sweep.json, or null. */
    public static String sweepMetric(Path sweep) {
        try {
            Map<String, Object> plan = RunJson.readObject(sweep.resolve(SweepPlan.FILE));
            return plan != null && plan.get("metric") instanceof String s ? s : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
