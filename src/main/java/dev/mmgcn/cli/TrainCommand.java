package dev.mmgcn.cli;

import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code train}: the options are {@link TrainSettings}' keys; a {@code --config} file gives the same keys,
 * and options given on the command line win over it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Trains MMGCN, LightGCN or FREEDOM (--model) with BPR, validates during and after every epoch, keeps the",
                "best validated step's checkpoint and reports its test metrics. Without --data it trains on built-in synthetic data.",
                "",
                "Settings can come from a YAML or JSON file (--config): keys are the option names without dashes",
                "(epochs: 50, lr: 0.001, modality: [visual=image_feat.npy]); options on the command line override it.",
                "A run folder's config.json replays that run: train --config runs/X/config.json."},
        footer = {"", "The run folder gets config.json (every setting, the command line, the data's fingerprint), train.log,",
                "metrics.jsonl, best.ckpt, last.ckpt (the state after the newest epoch) and summary.json. It must be new",
                "or empty unless --overwrite is given. train --resume DIR continues a stopped run from its last.ckpt;",
                "with a larger --epochs (or --patience) it also trains a finished run further.", "",
                Main.EXIT_CODES})
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    MmgcnCommand top;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", order = 1,
            description = "read settings from a YAML or JSON file (a run's config.json replays that run)")
    Path config;

    @Option(names = "--overwrite", order = 2,
            description = "let --out name an earlier run's folder: its run files are removed before this run writes any")
    boolean overwrite;

    @Option(names = "--profile", order = 4,
            description = "per epoch: seconds in sampling, forward, backward, optimiser and evaluation; backend calls, "
                    + "host reads and uploads per step. Observational: not a setting, it changes no result and is not in config.json")
    boolean profile;

    @Mixin
    CudaGraphsOption cudaGraphs = new CudaGraphsOption();

    @Option(names = "--resume", paramLabel = "DIR", order = 3,
            description = "continue a stopped run from its last.ckpt, with the settings in its config.json (options may only repeat them, "
                    + "set --threads, or raise --epochs / --patience, which also trains a finished run further)")
    Path resume;

    static void addSettingOptions(CommandSpec spec) {
        SettingsOptions.add(spec, TrainSettings.KEYS);
    }

    @Override
    public Integer call() throws Exception {
        Boolean graphs = cudaGraphs.parsed();
        List<String> commandLine = new ArrayList<>(List.of("mmgcn-engine"));
        commandLine.addAll(List.of(top.args));
        if (resume != null) {
            if (config != null) throw Failure.usage("--resume and --config cannot be combined: a resumed run keeps the settings in its config.json");
            if (overwrite) throw Failure.usage("--resume and --overwrite cannot be combined: a resumed run continues its own folder");
            Settings.Layer given = SettingsOptions.matched(spec.commandLine().getParseResult(), TrainSettings.KEYS);
            if (given.values().containsKey(TrainSettings.OUT.name())) {
                throw Failure.usage("--resume and --out cannot be combined: the run continues in its own folder, " + resume);
            }
            return new TrainRun(Resume.open(resume.toAbsolutePath().normalize(), given, String.join(" ", commandLine)), profile, commandLine,
                    top.out, top.err).cudaGraphs(graphs).run();
        }
        List<Settings.Layer> layers = new ArrayList<>();
        ConfigFile file = config == null ? null : ConfigFile.read(config);
        if (file != null) layers.add(file.layer());
        layers.add(SettingsOptions.matched(spec.commandLine().getParseResult(), TrainSettings.KEYS));
        TrainSettings settings = TrainSettings.resolve(layers);
        return new TrainRun(settings, file, overwrite, profile, commandLine, top.out, top.err).cudaGraphs(graphs).run();
    }
}
