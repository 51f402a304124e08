package dev.mmgcn.cli;

import dev.mmgcn.runs.Grid;
import dev.mmgcn.runs.Sweep;
import dev.mmgcn.runs.SweepPlan;
import dev.mmgcn.runs.Trial;
import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sweep}: a grid of train settings, one run folder per trial, and a leaderboard. The logic is {@link Sweep}. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Trains every combination of the settings in a grid and ranks them by the validation metric.",
                "Trials run one after another, each a normal run folder inside the sweep folder (named by the settings",
                "it varies); leaderboard.tsv and a printed table give mean ± std over seeds, with the test metrics at",
                "each run's best valid epoch.",
                "",
                "A grid file uses the keys of a config file; a list means \"try each\" (lr: [0.001, 0.003], seed: [1, 2]),",
                "a single value is held fixed (synthetic: tiny). --grid KEY=V1,V2 gives one setting inline. The train",
                "options and --config set what the grid does not vary.",
                "",
                "Run again with the same --out, a killed or failed sweep continues: trials with a complete summary.json",
                "are skipped, unfinished ones continue from their last.ckpt (or start again when they have none)."},
        footer = {"", Main.EXIT_CODES})
final class SweepCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = 1, description = "base settings from a YAML or JSON file (as train --config)")
    Path config;

    @Option(names = "--grid", paramLabel = "FILE|KEY=V1,V2", order = 2, required = true,
            description = "a grid file (YAML/JSON), or one setting inline: lr=0.001,0.0005 (';' between list values: ks=10,20;50); repeatable")
    List<String> grids;

    @Option(names = "--out", paramLabel = "DIR", order = 3,
            description = "the sweep folder: new, empty, or this sweep's to continue it (default runs/sweep-<time>)")
    Path out;

    @Option(names = "--quiet", order = 4,
            description = "print only the sweep's own lines (each trial's start and result, the leaderboard), not each trial's training; "
                    + "every trial's train.log still holds its whole output")
    boolean quiet;

    static void addSettingOptions(CommandSpec spec) {
        SettingsOptions.add(spec, TrainSettings.RECORDED);
    }

    @Override
    public Integer call() throws IOException {
        List<Settings.Layer> layers = new ArrayList<>();
        if (config != null) layers.add(ConfigFile.read(config).layer());
        layers.add(SettingsOptions.matched(spec.commandLine().getParseResult(), TrainSettings.RECORDED));
        TrainSettings base = TrainSettings.resolve(layers);
        Grid grid = Grid.empty();
        for (String g : grids) grid = grid.and(isInline(g) ? Grid.inline(g) : Grid.fromFile(Path.of(g)));
        SweepPlan plan = SweepPlan.of(base, grid);
        Path dir = (out != null ? out : defaultFolder()).toAbsolutePath().normalize();
        Sweep sweep = new Sweep(plan, dir, out != null ? "--out" : "sweep folder", Version.get());
        int[] lastCode = {0};
        PrintStream trialOut = quiet ? new PrintStream(OutputStream.nullOutputStream()) : top.out;
        PrintStream trialErr = quiet ? new PrintStream(OutputStream.nullOutputStream()) : top.err;
        Sweep.Outcome o = sweep.run(new Sweep.TrialRunner() {
            @Override
            public void check(TrainSettings settings) {
                DataLoading.check(settings.data(), settings.settings());
            }

            @Override
            public String run(Trial trial, Path trialDir, boolean clear) throws IOException {
                TrainSettings s = trial.settings().with(new Settings.Layer(Source.of("sweep"), Map.of(TrainSettings.OUT.name(), trialDir.toString())));
                List<String> commandLine = new ArrayList<>(List.of("mmgcn-engine"));
                commandLine.addAll(List.of(top.args));
                try {
                    Resume resume = clear ? resumable(trialDir, String.join(" ", commandLine)) : null;
                    if (resume != null) new TrainRun(resume, false, commandLine, trialOut, trialErr).run();
                    else new TrainRun(s, null, clear, false, commandLine, trialOut, trialErr).run();
                    return null;
                } catch (Failure f) {
                    if (f.exitCode() != Failure.DIVERGED && f.exitCode() != Failure.MEMORY) throw f;
                    lastCode[0] = f.exitCode();
                    return f.getMessage();
                }
            }
        }, top.out);
        if (!o.failed().isEmpty()) {
            top.err.println("note: " + Backend.plural(o.failed().size(), "trial") + " failed (listed in the leaderboard as unfinished): "
                    + String.join("; ", o.failed()));
        }
        boolean anyFinished = o.leaderboard().rows().stream().anyMatch(r -> !r.finished().isEmpty());
        return anyFinished ? 0 : lastCode[0] != 0 ? lastCode[0] : 0;
    }

    /** An unfinished trial that left a usable last.ckpt continues from it; null when it must start again. */
    private Resume resumable(Path trialDir, String command) {
        if (!Files.exists(trialDir.resolve(RunFolder.LAST))) return null;
        try {
            Resume r = Resume.open(trialDir, new Settings.Layer(Source.of("sweep"), Map.of()), command);
            top.out.println("         continuing from epoch " + r.state().epoch() + " (" + trialDir.resolve(RunFolder.LAST) + ")");
            return r;
        } catch (RuntimeException unusable) {
            top.out.println("         its last.ckpt cannot be used (" + unusable.getMessage() + "): training it from the start");
            return null;
        }
    }

    /** A grid entry is inline (KEY=V1,V2) unless it names an existing file. */
    private static boolean isInline(String g) {
        return g.contains("=") && !Files.exists(Path.of(g));
    }

    private static Path defaultFolder() {
        String base = "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runs = Path.of("runs");
        for (int k = 1; ; k++) {
            Path p = runs.resolve(k == 1 ? base : base + "-" + k);
            if (!Files.exists(p)) return p;
        }
    }
}
