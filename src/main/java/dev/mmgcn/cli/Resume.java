package dev.mmgcn.cli;

import dev.mmgcn.io.FolderLock;
import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.train.TrainingState;
import dev.mmgcn.train.TrainingStateFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code train --resume runs/X}: a run folder whose run stopped (killed, or failed) after writing
 * {@code last.ckpt}, read back before anything is done — its recorded settings, the saved state, the
 * metrics lines and log that belong to the epochs in that state. The run continues with the recorded
 * settings; options on the command line may only repeat them, except those that cannot change a result
 * ({@code --threads}: the CPU kernels give the same bits for any thread count) and the two that only say
 * when to stop ({@code --epochs}, {@code --patience}): the epochs already trained are those a run started
 * with the new values would have trained, so a budget can be raised — also for a run that finished at its
 * budget or stopped early, whose summary.json is then removed until the longer run writes its own.
 *
 * @param record       the run's config.json
 * @param metricsLines the first lines of metrics.jsonl, one per epoch of the state
 * @param log          train.log as it was
 * @param finished     the run had ended (summary.json): it trains further with a raised --epochs or --patience
 */
record Resume(Path dir, TrainSettings settings, Map<String, Object> record, TrainingState state, List<String> metricsLines,
              String log, boolean finished, FolderLock lock) {
    static final String FLAG = "--resume";
    /** Settings a resumed run may change: they do not change a number. */
    static final List<Key<?>> FREE = List.of(TrainSettings.THREADS);
    /** Settings that only say when the run stops: checked against the epochs already trained instead. */
    static final List<Key<?>> STOPPING = List.of(TrainSettings.EPOCHS, TrainSettings.PATIENCE);

    /**
     * Reads the folder under its lock, which the returned Resume holds until the run it continues ends
     * ({@link #lock()}); a folder another process is writing is refused, naming it, before anything is read.
     */
    static Resume open(Path dir, Settings.Layer commandLine, String command) {
        if (!Files.isDirectory(dir)) {
            throw Failure.usage(FLAG + ": " + dir + (Files.exists(dir) ? " is a file" : " does not exist") + "; give the folder of the run to continue");
        }
        if (!Files.isRegularFile(dir.resolve(RunFolder.CONFIG))) throw Failure.usage(FLAG + ": " + dir + " is not a run folder (no config.json)");
        FolderLock lock = RunFolder.lock(dir, FLAG, command);
        try {
            return open(dir, commandLine, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Resume open(Path dir, Settings.Layer commandLine, FolderLock lock) {
        Path config = dir.resolve(RunFolder.CONFIG);
        if (!Files.isRegularFile(config)) throw Failure.usage(FLAG + ": " + dir + " is not a run folder (no config.json)");
        Path last = dir.resolve(RunFolder.LAST);
        boolean finished = Files.exists(dir.resolve(RunFolder.SUMMARY));
        if (finished && !givesStopping(commandLine)) {
            throw Failure.usage(FLAG + ": the run in " + dir + " finished (it has summary.json): there is nothing to continue;"
                    + " give a larger --epochs (or --patience) to train it further");
        }
        if (!Files.exists(last)) {
            throw Failure.usage(FLAG + ": " + dir + " has no last.ckpt: the run stopped before its first epoch ended; train it again");
        }
        Map<String, Object> record;
        try {
            record = Json.read(Files.readString(config));
        } catch (IOException e) {
            throw Failure.io(FLAG + ": cannot read " + config + ": " + FileErrors.reason(e), e);
        } catch (RuntimeException e) {
            throw Failure.data(config + ": not a run record (" + e.getMessage() + ")", e);
        }
        TrainSettings recorded = TrainSettings.resolve(List.of(ConfigFile.read(config).layer(),
                new Settings.Layer(Source.of("resumed run"), Map.of(TrainSettings.OUT.name(), dir.toString()))));
        TrainSettings settings = recorded.with(checked(recorded, commandLine, dir));
        TrainingState state;
        try {
            state = TrainingStateFile.read(last);
        } catch (IOException e) {
            throw Failure.data(FLAG + ": " + e.getMessage(), e);
        }
        String runId = String.valueOf(record.get("run_id"));
        if (!runId.equals(state.extra().get("run_id"))) { // before its epochs are compared with the settings: they are another run's
            throw Failure.data(FLAG + ": " + last + " belongs to run " + state.extra().get("run_id") + ", config.json to run " + runId, null);
        }
        checkStopping(recorded, settings, state, finished, dir);
        int lines = Integer.parseInt(state.extra().getOrDefault("metrics_lines", Integer.toString(state.epoch())));
        List<String> metrics;
        String log;
        try {
            Path m = dir.resolve(RunFolder.METRICS);
            List<String> all = Files.exists(m) ? Files.readAllLines(m) : List.of();
            if (all.size() < lines) {
                throw Failure.data(FLAG + ": " + m + " has " + all.size() + " lines but last.ckpt is at epoch " + state.epoch()
                        + " (" + lines + " lines): the folder was changed", null);
            }
            metrics = new ArrayList<>(all.subList(0, lines)); // lines of epochs after the state are trained again
            Path l = dir.resolve(RunFolder.LOG);
            log = Files.exists(l) ? Files.readString(l) : "";
        } catch (IOException e) {
            throw Failure.io(FLAG + ": cannot read " + dir + ": " + FileErrors.reason(e), e);
        }
        return new Resume(dir, settings, record, state, List.copyOf(metrics), log, finished, lock);
    }

    /** The command line's settings, each the recorded value or one that changes no result; else the refusal names it. */
    private static Settings.Layer checked(TrainSettings recorded, Settings.Layer commandLine, Path dir) {
        TrainSettings asked = recorded.with(commandLine);
        for (String name : commandLine.values().keySet()) {
            Key<?> k = TrainSettings.KEYS.stream().filter(x -> Key.canonical(x.name()).equals(Key.canonical(name))).findFirst().orElseThrow();
            if (FREE.contains(k) || STOPPING.contains(k)) continue;
            Object before = k.toJson(recorded.get(k)), now = k.toJson(asked.get(k));
            if (!Objects.equals(before, now)) {
                throw Failure.usage(k.option() + ": " + FLAG + " continues the run in " + dir + " with its recorded settings; " + k.option()
                        + " " + show(now) + " differs from the recorded " + show(before) + " and would change its result"
                        + " (only --threads, and a raised --epochs or --patience, may differ; start a new run to change it)");
            }
        }
        return commandLine;
    }

    private static boolean givesStopping(Settings.Layer commandLine) {
        return commandLine.values().keySet().stream().anyMatch(n -> STOPPING.stream().anyMatch(k -> Key.canonical(k.name()).equals(Key.canonical(n))));
    }

    /**
     * {@code --epochs} and {@code --patience} may change when the epochs already trained are exactly those a run
     * started with the new values would have trained: no fewer epochs than were trained, and a patience that
     * would not have stopped the run earlier (0, never; or not below the recorded one). A finished run continues
     * only when the new values let it train at least one more epoch.
     */
    private static void checkStopping(TrainSettings recorded, TrainSettings settings, TrainingState state, boolean finished, Path dir) {
        int done = state.epoch();
        int epochs = settings.get(TrainSettings.EPOCHS);
        if (epochs < done) {
            throw Failure.usage(TrainSettings.EPOCHS.option() + " " + epochs + ": the run in " + dir + " has trained " + done
                    + " epochs already; " + FLAG + " can raise its budget, not go back");
        }
        int before = recorded.get(TrainSettings.PATIENCE), now = settings.get(TrainSettings.PATIENCE);
        if (now != before && now != 0 && (before == 0 || now < before)) {
            throw Failure.usage(TrainSettings.PATIENCE.option() + " " + now + ": the run in " + dir + " was trained with --patience "
                    + before + "; " + FLAG + " may raise it (or give 0, never stop early), not lower it: a lower patience could have stopped it sooner");
        }
        if (!finished) return;
        if (done >= epochs) {
            throw Failure.usage(FLAG + ": the run in " + dir + " finished after " + done + " epochs, its --epochs; give --epochs above "
                    + done + " to train it further");
        }
        if (now > 0 && state.sinceBest() >= now) {
            throw Failure.usage(FLAG + ": the run in " + dir + " stopped early after " + state.sinceBest() + " epochs without validation improvement"
                    + " (--patience " + now + "); give --patience above " + state.sinceBest() + " (or 0) to train it further");
        }
    }

    private static String show(Object v) {
        if (v instanceof List<?> l) return String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(v);
    }

    String runId() {
        return String.valueOf(record.get("run_id"));
    }
}
