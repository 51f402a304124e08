package dev.mmgcn.cli;

import dev.mmgcn.data.DataFingerprint;
import dev.mmgcn.data.Dataset;
import dev.mmgcn.settings.ConfigFile;
import dev.mmgcn.settings.TrainSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A run's {@code config.json}: every resolved setting (under {@code settings}, which
 * {@code train --config} reads back; defaults as the run decided them, the ones that were defaults listed
 * under {@code defaults}), the command line, the project version, start and end times and
 * how the run ended, where the data came from with the sizes of its files and the
 * {@link DataFingerprint} of what was loaded, and the backend with its thread count.
 */
final class RunRecord {
    /** The key listing which settings were defaults (see {@link ConfigFile#DEFAULTS}). */
    static final String DEFAULTS = ConfigFile.DEFAULTS;
    private final String runId;
    private TrainSettings settings;
    /** The settings whose value was a default, a resumed run's as its first start recorded them. */
    private final List<String> earlierDefaults;
    private final List<String> commandLine;
    private final ConfigFile configFile;
    private String configFileName;
    private final List<Object> resumed = new ArrayList<>();
    private final String started;
    private String ended;
    private String status = "running";
    private String error;
    private Map<String, Object> data = Map.of();
    private Map<String, Object> system = Map.of();

    RunRecord(TrainSettings settings, List<String> commandLine, ConfigFile configFile) {
        OffsetDateTime now = OffsetDateTime.now();
        this.runId = now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        this.settings = settings;
        this.earlierDefaults = List.of();
        this.commandLine = List.copyOf(commandLine);
        this.configFile = configFile;
        this.configFileName = configFile == null ? null : configFile.layer().source().toString();
        this.started = now.toString();
    }

    /** A resumed run's record: the same run id, start and command line; each resumption's command line and time added. */
    @SuppressWarnings("unchecked")
    RunRecord(TrainSettings settings, Map<String, Object> earlier, List<String> resumeCommandLine) {
        this.runId = String.valueOf(earlier.get("run_id"));
        this.settings = settings;
        this.earlierDefaults = earlier.get(DEFAULTS) instanceof List<?> d ? d.stream().map(String::valueOf).toList() : List.of();
        this.commandLine = earlier.get("command_line") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
        this.configFile = null;
        this.configFileName = earlier.get("config_file") == null ? null : String.valueOf(earlier.get("config_file"));
        this.started = String.valueOf(earlier.get("started"));
        if (earlier.get("resumed") instanceof List<?> r) resumed.addAll((List<Object>) r);
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("at", OffsetDateTime.now().toString());
        now.put("command_line", resumeCommandLine);
        resumed.add(now);
    }

    String runId() { return runId; }

    TrainSettings settings() { return settings; }

    /** The settings with the values the run decided for its defaults ({@link TrainSettings#resolved}): what the record says from now on. */
    void settings(TrainSettings resolved) {
        this.settings = resolved;
    }

    /**
     * The recorded settings whose value is a default rather than given: for a resumed run also those its
     * first start took by default, unless the resuming command line gave them.
     */
    List<String> defaults() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String k : earlierDefaults) {
            var key = TrainSettings.RECORDED.stream().filter(x -> x.name().equals(k)).findFirst();
            if (key.isPresent() && !settings.settings().source(key.get()).commandLine()) out.add(k);
        }
        out.addAll(settings.defaulted());
        return TrainSettings.RECORDED.stream().map(dev.mmgcn.settings.Key::name).filter(out::contains).toList();
    }

    void data(Dataset d, DataLoading.Plan plan, DataFingerprint fingerprint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", settings.data().isSynthetic() ? null : settings.data().folder().toString());
        m.put("synthetic", settings.data().isSynthetic() ? settings.data().synthetic() : null);
        m.put("format", plan.format());
        m.put("dataset", d.name());
        m.put("users", d.numUsers());
        m.put("items", d.numItems());
        Map<String, Object> pairs = new LinkedHashMap<>();
        pairs.put("train", d.train().size());
        pairs.put("valid", d.valid().size());
        pairs.put("test", d.test().size());
        m.put("interactions", pairs);
        m.put("modalities", d.modalityNames());
        List<Map<String, Object>> files = new ArrayList<>();
        for (Path f : plan.files()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", f.toString());
            try {
                e.put("bytes", Files.size(f));
            } catch (IOException ex) {
                e.put("bytes", null);
            }
            files.add(e);
        }
        m.put("files", files);
        m.put("fingerprint", fingerprint.parts());
        m.put("digest", fingerprint.digest());
        this.data = m;
    }

    void started(String backendDescription, String backend, int threads) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", backend);
        m.put("threads", threads);
        m.put("description", backendDescription);
        m.put("java", Runtime.version().toString());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        this.system = m;
    }

    void finished(String status, String error) {
        this.status = status;
        this.error = error;
        this.ended = OffsetDateTime.now().toString();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mmgcn_engine", Version.get());
        m.put("source_revision", Version.record());
        m.put("run_id", runId);
        m.put("command_line", commandLine);
        m.put("config_file", configFileName);
        m.put("started", started);
        if (!resumed.isEmpty()) m.put("resumed", resumed);
        m.put("ended", ended);
        m.put("status", status);
        m.put("error", error);
        m.put(ConfigFile.SETTINGS, settings.toMap());
        m.put(DEFAULTS, defaults());
        m.put("data", data);
        m.put("system", system);
        return m;
    }

    String json() {
        return Json.pretty(toMap());
    }
}
