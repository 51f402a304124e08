package dev.mmgcn.settings;

import dev.mmgcn.settings.Key.Group;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a dataset comes from: a folder (with its format, name, feature files and item offset) or the
 * built-in generator (a preset and a seed), plus an optional subset of modalities. The keys are shared
 * by every command that loads data; {@link #FAMILIES} keeps a folder and the generator apart.
 */
public record DataSpec(Path folder, String format, String name, Map<String, String> modalityFiles, List<String> modalities,
                       Long itemOffset, String synthetic, long dataSeed) {

    public static final String DEFAULT_PRESET = "default";
    public static final long DEFAULT_DATA_SEED = 7;
    public static final List<String> PRESETS = List.of("default", "tiny", "movielens", "tiktok", "kwai");

    public static final Key<Path> DATA = Keys.path("data", Group.DATA, "DIR",
            "dataset folder: MMRec (NAME.inter + .npy features) or the original MMGCN .npy files (default: built-in synthetic data)");
    public static final Key<String> FORMAT = Keys.choice("format", Group.DATA, "FMT", null, List.of("mmrec", "mmgcn"),
            "mmrec | mmgcn (default: detected from the folder's files)");
    public static final Key<String> NAME = Keys.text("name", Group.DATA, "NAME", null,
            "MMRec dataset name, i.e. NAME.inter (default: the folder's only .inter file)");
    public static final Key<Map<String, String>> MODALITY = Keys.modalityFiles("modality", Group.DATA,
            "a feature file for a modality, relative to the data folder, e.g. visual=image_feat.npy (repeatable)");
    public static final Key<List<String>> MODALITIES = Keys.names("modalities", Group.DATA, "LIST",
            "use only these modalities, in this order, e.g. visual,acoustic (default: all found)");
    public static final Key<Long> ITEM_OFFSET = Keys.longValue("item-offset", Group.DATA, "N", null, 0,
            "original MMGCN files: subtract N from item ids (the official full files number items after the users)");
    public static final Key<String> SYNTHETIC = Keys.choice("synthetic", Group.DATA, "PRESET", null, PRESETS,
            "generated data when there is no --data: default, tiny, or the MMGCN paper's shapes movielens, tiktok, kwai (default: default)");
    public static final Key<Long> DATA_SEED = Keys.longValue("data-seed", Group.DATA, "N", null, Long.MIN_VALUE,
            "seed of the synthetic generator (default " + DEFAULT_DATA_SEED + ")");

    public static final List<Key<?>> KEYS = List.of(DATA, FORMAT, NAME, MODALITY, MODALITIES, ITEM_OFFSET, SYNTHETIC, DATA_SEED);

    /** A data folder and the generator exclude each other. */
    public static final List<Settings.Family> FAMILIES = List.of(new Settings.Family(
            List.of(DATA, FORMAT, NAME, MODALITY, ITEM_OFFSET), List.of(SYNTHETIC, DATA_SEED),
            "--synthetic and --data-seed choose the built-in generated data, which is used only when there is no --data folder"));

    /** The data part of resolved settings; checks what depends on more than one key. */
    public static DataSpec of(Settings s) {
        Path folder = s.get(DATA);
        if (folder == null) {
            for (Key<?> k : List.of(FORMAT, NAME, MODALITY, ITEM_OFFSET)) {
                if (s.given(k)) throw new SettingsException(s.where(k) + " describes a --data folder, but no --data is given");
            }
        }
        String format = s.get(FORMAT);
        if ("mmrec".equals(format) && s.given(ITEM_OFFSET)) {
            throw new SettingsException(s.where(ITEM_OFFSET) + " applies to --format mmgcn only (MMRec ids start at 0 for users and items)");
        }
        String preset = folder == null ? (s.get(SYNTHETIC) == null ? DEFAULT_PRESET : s.get(SYNTHETIC)) : null;
        long seed = s.get(DATA_SEED) == null ? DEFAULT_DATA_SEED : s.get(DATA_SEED);
        return new DataSpec(folder, format, s.get(NAME), s.get(MODALITY), s.get(MODALITIES), s.get(ITEM_OFFSET), preset,
                folder == null ? seed : DEFAULT_DATA_SEED);
    }

    public boolean isSynthetic() {
        return folder == null;
    }

    /** A short phrase for logs: the folder, or "synthetic preset tiny (seed 7)". */
    public String describe() {
        return folder != null ? folder.toString() : "synthetic preset " + synthetic + " (data seed " + dataSeed + ")";
    }
}
