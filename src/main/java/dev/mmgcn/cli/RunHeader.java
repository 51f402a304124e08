package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;
import dev.mmgcn.model.Models;
import dev.mmgcn.settings.DataSpec;
import dev.mmgcn.settings.Key;
import dev.mmgcn.settings.Settings;
import dev.mmgcn.settings.Source;
import dev.mmgcn.settings.TrainSettings;
import dev.mmgcn.train.CheckpointHeader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between a run's settings and its checkpoints' header ({@link CheckpointHeader}, the schema): what train
 * writes there, and the data options commands read back from it (the data's fingerprint, id maps and seen
 * items are the checkpoint's {@code TrainingRecord}).
 */
final class RunHeader {
    private RunHeader() {
    }

    /** The header of a run's checkpoints: its settings (as in config.json, defaults resolved), the run, its data and model. */
    static CheckpointHeader of(TrainSettings s, List<String> defaults, Dataset data, String runId) {
        Map<String, String> json = new LinkedHashMap<>();
        s.toMap().forEach((k, v) -> json.put(k, Json.value(v)));
        CheckpointHeader h = new CheckpointHeader().withSettings(json, Json.value(defaults)).withRun(runId, Version.get(), Version.revision());
        Settings given = s.settings();
        for (Key<?> k : DataSpec.KEYS) {
            if (k == DataSpec.MODALITY || !given.given(k)) continue;
            Object v = k.toJson(s.get(k));
            h.withDataOption(k.name(), v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v));
        }
        if (s.data().modalityFiles() != null) h.withModalityFiles(s.data().modalityFiles());
        return h.withModel(s.model(), Models.usedModalities(s.model(), data)).withSeed(s.training().seed())
                .withData(data.numUsers(), data.numItems(), data.name(), data.modalityNames());
    }

    /** The data options the checkpoint was trained with, as a settings layer whose source names the checkpoint. */
    static Settings.Layer dataLayer(CheckpointHeader header, Path file) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (header.hasSettings()) {
            for (Key<?> k : DataSpec.KEYS) header.setting(k.name()).ifPresent(v -> values.put(k.name(), Json.parseValue(v)));
        } else { // checkpoints from before settings.* was recorded
            values.putAll(header.legacyDataOptions());
        }
        return new Settings.Layer(Source.recorded("checkpoint " + file), values);
    }
}
