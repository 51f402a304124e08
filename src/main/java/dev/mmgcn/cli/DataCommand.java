package dev.mmgcn.cli;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.data.TrainingRecord;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.train.Checkpoint;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command that rebuilds a checkpoint's dataset: the data options recorded in the checkpoint, with any
 * given on the command line taking precedence (a moved data folder: {@code --data NEW}), and the backend options.
 */
abstract class DataCommand {
    static final List<Key<?>> KEYS = Key.concat(DataSpec.KEYS, TrainSettings.BACKEND_KEYS);

    @ParentCommand
    MmgcnCommand top;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "FILE", order = 1, description = "checkpoint written by train (<run folder>/best.ckpt)")
    Path checkpoint;

    /** The settings this command takes as options: the data's and the backend's. */
    List<Key<?>> keys() {
        return KEYS;
    }

    /** The data options default to what the checkpoint recorded, not to train's defaults (the built-in synthetic data). */
    void addDataOptions(CommandSpec spec) {
        SettingsOptions.add(spec, keys(), k -> !DataSpec.KEYS.contains(k) ? k.help()
                : k.help().replaceAll(" \\(default[^)]*\\)$", "") + " (default: as recorded in the checkpoint)");
    }

    /** Data (and backend) settings: the checkpoint's, then the command line's. */
    Settings settings(Checkpoint ck) {
        return Settings.resolve(keys(), DataSpec.FAMILIES, List.of(RunHeader.dataLayer(ck.info(), checkpoint),
                SettingsOptions.matched(spec.commandLine().getParseResult(), keys())));
    }

    /** The dataset the checkpoint was trained on (or the one given instead), checked against the checkpoint's counts. */
    static Dataset dataset(Checkpoint ck, Settings s, PrintStream log) {
        DataSpec spec = DataSpec.of(s);
        Dataset d = DataLoading.load(spec, s, log, !"lightgcn".equals(ck.info().modelKind()));
        List<String> names = ck.info().usedModalities();
        if (!names.isEmpty() && spec.modalities() == null) {
            if (!d.modalityNames().equals(names)) {
                try {
                    d = d.withModalities(names);
                } catch (RuntimeException e) {
                    d.close();
                    throw Failure.data("the checkpoint was trained on modalities " + names + " but the data has " + d.modalityNames(), e);
                }
            }
        }
        int users = CheckpointFile.entry(ck.info()::users);
        int items = CheckpointFile.entry(ck.info()::items);
        if (d.numUsers() != users || d.numItems() != items) {
            int du = d.numUsers(), di = d.numItems();
            d.close();
            throw Failure.data("the dataset has " + du + " users and " + di + " items but the checkpoint was trained on " + users
                    + " and " + items + ": pass the --data it was trained on (" + s.where(DataSpec.DATA) + " is " + spec.describe() + ")", null);
        }
        Optional<DataFingerprint> recorded = Optional.ofNullable(ck.trainingRecord()).map(TrainingRecord::fingerprint);
        if (recorded.isPresent()) {
            List<String> changes = DataFingerprint.of(d).changes(recorded.get());
            if (!changes.isEmpty()) log.println("warning: the data differ from those the checkpoint was trained on: " + String.join("; ", changes));
        }
        return d;
    }
}
