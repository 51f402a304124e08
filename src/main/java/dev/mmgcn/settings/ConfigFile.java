package dev.mmgcn.settings;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A settings file for {@code train --config}: YAML ({@code .yaml}, {@code .yml}) or JSON, a mapping of
 * setting names (the train options without dashes) to values, e.g.
 * <pre>
 *   data: ../shared/data/tiktok
 *   epochs: 50
 *   lr: 0.001
 *   modality: [visual=image_feat.npy, acoustic=audio_feat.npy]
 * </pre>
 * A run's own {@code config.json} is read too: its {@code settings} object is the layer (less the
 * {@link TrainSettings#MACHINE} values its {@code defaults} list: a replay on another machine uses that
 * machine's), and what it recorded about the data is kept for comparison with the data loaded now.
 *
 * @param layer        the settings, with this file as their source
 * @param recordedData for a run record, its {@code data} object (location and fingerprint); else null
 */
public record ConfigFile(Settings.Layer layer, Map<String, Object> recordedData) {
    /** The key a run record keeps its settings under. */
    public static final String SETTINGS = "settings";
    /** The key a run record lists the settings under that were defaults rather than given. */
    public static final String DEFAULTS = "defaults";
    /** The largest settings file read: a run's config.json is a few KB. */
    public static final long MAX_BYTES = 256 * 1024;

    public static ConfigFile read(Path file) {
        if (!Files.exists(file)) throw new SettingsException("--config: " + file + " does not exist");
        if (Files.isDirectory(file)) {
            throw new SettingsException("--config: " + file + " is a folder; give a .yaml or .json file (a run folder's config.json replays that run)");
        }
        checkReadable(file);
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new SettingsException("--config: " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new SettingsException("--config: cannot read " + file + ": " + reason(e), e);
        }
        text = dev.mmgcn.io.Bom.strip(text); // an editor's byte-order mark is not part of the first key
        if (text.isBlank()) throw new SettingsException(file + ": the file is empty; write settings such as 'epochs: 30'");
        Object tree;
        try {
            tree = mapperFor(file, text).readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new SettingsException(file + location(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()), e);
        }
        if (tree == null) throw new SettingsException(file + ": the file is empty; write settings such as 'epochs: 30'");
        if (!(tree instanceof Map<?, ?> map)) {
            throw new SettingsException(file + ": expected a mapping of settings (e.g. 'epochs: 30'), got " + kind(tree));
        }
        Map<String, Object> top = stringKeys(map, file);
        Object settings = top.get(SETTINGS);
        if (settings instanceof Map<?, ?> recorded && top.containsKey("mmgcn_engine")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> data = top.get("data") instanceof Map<?, ?> d ? (Map<String, Object>) d : null;
            Map<String, Object> values = stringKeys(recorded, file);
            if (top.get(DEFAULTS) instanceof java.util.List<?> defaults) {
                // the machine's own values (threads) are resolved again where the record runs now
                for (Key<?> k : TrainSettings.MACHINE) if (defaults.contains(k.name())) values.remove(k.name());
            }
            return new ConfigFile(new Settings.Layer(Source.file(file), values), data);
        }
        return new ConfigFile(new Settings.Layer(Source.file(file), top), null);
    }

    /**
     * Before a byte is read: a regular file ({@code /dev/zero} would be read until the heap is full, a pipe until
     * someone writes to it) of at most {@value #MAX_BYTES} bytes (YAML's scanner takes time quadratic in a plain
     * scalar's length: a 1 MB one took 20 s).
     */
    private static void checkReadable(Path file) {
        String special = dev.mmgcn.io.FileKinds.specialInput(file);
        if (special != null) throw new SettingsException("--config: " + file + " is " + special + ", not a regular file; give a .yaml or .json file");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new SettingsException("--config: cannot read " + file + ": " + reason(e), e);
        }
        if (size > MAX_BYTES) {
            throw new SettingsException("--config: " + file + " has " + size + " bytes; a settings file holds at most " + MAX_BYTES
                    + " (is it the right file?)");
        }
    }

    private static ObjectMapper mapperFor(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean json = name.endsWith(".json") || (!name.endsWith(".yaml") && !name.endsWith(".yml") && text.stripLeading().startsWith("{"));
        return json
                ? JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                : YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map, Path file) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() == null) throw new SettingsException(file + ": a setting without a name");
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return out;
    }

    private static String location(TokenStreamLocation at) {
        if (at == null || at.getLineNr() < 1) return "";
        return ":" + at.getLineNr() + (at.getColumnNr() > 0 ? ":" + at.getColumnNr() : "");
    }

    private static String firstLine(String s) {
        if (s == null) return "cannot be parsed";
        String line = s.strip().lines().findFirst().orElse(s);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static String kind(Object o) {
        if (o instanceof java.util.List<?>) return "a list";
        return "a single value '" + o + "'";
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f) return dev.mmgcn.io.AtomicFile.reason(f);
        return e.getMessage();
    }
}
