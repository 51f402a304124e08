package dev.mmgcn.data;

import dev.mmgcn.io.Quote;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads the MMRec layout: {@code <dir>/<name>.inter}, a tab-separated file whose header names the
 * columns {@code userID}, {@code itemID} and {@code x_label} (any order, other columns ignored;
 * label 0/1/2 = train/valid/test), plus one {@code .npy} feature matrix per modality with row i
 * for item i.
 *
 * <p>Ids are used as they are (0-based): numUsers is the largest user id + 1, numItems the larger
 * of the largest item id + 1 and the feature row count. MMRec's {@code u_id_mapping.csv} /
 * {@code i_id_mapping.csv} (or {@code .tsv}), when present, give each index the id the user knows it by
 * ({@link IdMapFiles}); otherwise the {@code .inter} ids are the ids. A repeated (user, item) pair within a
 * split keeps its first occurrence and is counted in the {@link LoadReport}.
 */
public final class MmrecLoader {
    public static final String USER = "userID";
    public static final String ITEM = "itemID";
    public static final String LABEL = "x_label";
    public static final List<String> SPLITS = List.of("train", "valid", "test");

    /** MMRec's standard feature file names and the modality each holds. */
    public static final Map<String, String> STANDARD_FEATURE_FILES = standardFiles();

    private MmrecLoader() {
    }

    private static Map<String, String> standardFiles() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("image_feat.npy", "visual");
        m.put("audio_feat.npy", "acoustic");
        m.put("text_feat.npy", "textual");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Loads the folder's only {@code .inter} file with the modalities {@link #guessModalities} finds. */
    public static LoadResult load(Path dir) {
        return load(dir, guessName(dir), guessModalities(dir));
    }

    /**
     * Loads {@code <dir>/<name>.inter} and the given modality files (relative paths are resolved
     * against {@code dir}; iteration order is the modality order).
     */
    public static LoadResult load(Path dir, String name, Map<String, Path> modalities) {
        Path interFile = dir.resolve(name + ".inter");
        LoadReport report = new LoadReport();
        Parsed p = parseInter(interFile);
        if (p.maxUser < 0) {
            throw new DataException(interFile + ": no interactions");
        }
        String[] splitNames = SPLITS.toArray(new String[0]);
        for (int s = 0; s < 3; s++) report.recordDuplicates(splitNames[s], interFile.toString(), p.splits[s].duplicates());

        checkDense(p, interFile);
        int numUsers = p.maxUser + 1;
        int neededItems = p.maxItem + 1;
        Map<String, Path> files = new LinkedHashMap<>();
        modalities.forEach((m, f) -> files.put(m, dir.resolve(f)));
        int featureRows = checkFeatureRows(files, neededItems, interFile + ":" + p.maxItemLine);
        int numItems = Math.max(neededItems, featureRows);

        Scope scope = new HostScope();
        try {
            List<Modality> mods = Modality.readAll(files, scope);
            IdMap userIds = IdMapFiles.read(dir, IdMapFiles.USERS, USER, numUsers);
            IdMap itemIds = IdMapFiles.read(dir, IdMapFiles.ITEMS, ITEM, numItems);
            Dataset d = new Dataset(name, numUsers, numItems, p.splits[0].build(), p.splits[1].build(),
                    p.splits[2].build(), mods, scope, userIds, itemIds);
            SplitChecks.report(report, interFile.toString(), d, p.splits);
            return new LoadResult(d, List.of(), report);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /** Ids far sparser than their count are refused before anything is sized by the largest one. */
    private static void checkDense(Parsed p, Path interFile) {
        int total = 0;
        for (SplitBuilder b : p.splits) total += b.size();
        if (p.maxUser + 1L > IdDensity.FLOOR) {
            long[] ids = new long[total];
            int n = 0;
            for (SplitBuilder b : p.splits) for (int k = 0; k < b.size(); k++) ids[n++] = b.user(k);
            IdDensity.check("user", p.maxUser, ids, n, interFile + ":" + p.maxUserLine, "u_id_mapping.tsv");
        }
        if (p.maxItem + 1L > IdDensity.FLOOR) {
            long[] ids = new long[total];
            int n = 0;
            for (SplitBuilder b : p.splits) for (int k = 0; k < b.size(); k++) ids[n++] = b.item(k);
            IdDensity.check("item", p.maxItem, ids, n, interFile + ":" + p.maxItemLine, "i_id_mapping.tsv");
        }
    }

    /** The base name of the folder's only {@code .inter} file. */
    public static String guessName(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.inter")) {
            for (Path p : ds) names.add(p.getFileName().toString());
        } catch (NoSuchFileException e) {
            throw new DataException(dir + ": folder not found");
        } catch (IOException e) {
            throw new DataException(dir + ": " + e.getMessage(), e);
        }
        if (names.size() != 1) {
            throw new DataException(dir + ": " + (names.isEmpty() ? "no .inter file" : "several .inter files " + names)
                    + "; name the dataset explicitly");
        }
        String f = names.getFirst();
        return f.substring(0, f.length() - ".inter".length());
    }

    /**
     * The feature files in {@code dir}: MMRec's standard names ({@code image_feat.npy} → visual,
     * {@code audio_feat.npy} → acoustic, {@code text_feat.npy} → textual) first, then any other
     * {@code <m>_feat.npy} as modality {@code m} (what {@link DatasetWriter} writes). Paths are file
     * names relative to {@code dir}. Two files for one modality is an error.
     */
    public static Map<String, Path> guessModalities(Path dir) {
        Map<String, Path> out = new LinkedHashMap<>();
        STANDARD_FEATURE_FILES.forEach((file, modality) -> {
            if (Files.isRegularFile(dir.resolve(file))) out.put(modality, Path.of(file));
        });
        Map<String, Path> others = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*_feat.npy")) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (!STANDARD_FEATURE_FILES.containsKey(f)) others.put(f, p.getFileName());
            }
        } catch (NoSuchFileException e) {
            throw new DataException(dir + ": folder not found");
        } catch (IOException e) {
            throw new DataException(dir + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, Path> e : others.entrySet()) {
            String modality = e.getKey().substring(0, e.getKey().length() - "_feat.npy".length());
            Path prev = out.putIfAbsent(modality, e.getValue());
            if (prev != null) {
                throw new DataException(dir + ": both " + prev.getFileName() + " and " + e.getKey()
                        + " would be modality '" + modality + "'; give the modalities explicitly");
            }
        }
        return out;
    }

    /**
     * Checks that all feature files agree on their row count and cover every item id used;
     * returns the row count (0 when there are no feature files). {@code maxItemWhere} names the
     * file and place of the largest item id.
     */
    static int checkFeatureRows(Map<String, Path> files, int neededItems, String maxItemWhere) {
        Path first = null;
        long rows = 0;
        for (Map.Entry<String, Path> e : files.entrySet()) {
            NpyHeader h = Npy.header(e.getValue());
            if (h.rank() != 2) {
                throw new DataException(e.getValue() + ": modality '" + e.getKey() + "' has shape " + h.shapeString()
                        + "; features must be 2-D (items × dimensions)");
            }
            long r = h.shape()[0];
            if (first == null) {
                first = e.getValue();
                rows = r;
            } else if (r != rows) {
                throw new DataException("feature files disagree on the number of items: " + first + " has " + rows
                        + " rows, " + e.getValue() + " has " + r);
            }
            if (r < neededItems) {
                throw new DataException(e.getValue() + " has " + r + " feature rows, but item id " + (neededItems - 1)
                        + " is used at " + maxItemWhere + "; every item needs a feature row");
            }
        }
        return (int) rows;
    }

    private static final class Parsed {
        final SplitBuilder[] splits;
        int maxUser = -1;
        int maxItem = -1;
        int maxItemLine;
        int maxUserLine;

        Parsed(int expected) {
            splits = new SplitBuilder[]{new SplitBuilder("train", expected), new SplitBuilder("valid", expected / 8),
                    new SplitBuilder("test", expected / 8)};
        }
    }

    private static Parsed parseInter(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
        String name = file.toString();
        int n = b.length;
        int headerEnd = lineEnd(b, 0);
        String header = new String(b, 0, trimCr(b, 0, headerEnd), StandardCharsets.UTF_8);
        header = dev.mmgcn.io.Bom.strip(header);
        String[] columns = header.split("\t", -1);
        int uc = column(columns, USER, name, header);
        int ic = column(columns, ITEM, name, header);
        int lc = column(columns, LABEL, name, header);
        int ncols = columns.length;

        Parsed p = new Parsed(n / 12);
        int[] starts = new int[ncols];
        int[] ends = new int[ncols];
        int line = 1;
        for (int pos = headerEnd + 1; pos < n; ) {
            line++;
            int end = lineEnd(b, pos);
            int stop = trimCr(b, pos, end);
            if (stop == pos) {
                pos = end + 1;
                continue;
            }
            int f = 0;
            int s = pos;
            for (int k = pos; k <= stop; k++) {
                if (k == stop || b[k] == '\t') {
                    if (f < ncols) {
                        starts[f] = s;
                        ends[f] = k;
                    }
                    f++;
                    s = k + 1;
                }
            }
            if (f != ncols) {
                String text = new String(b, pos, stop - pos, StandardCharsets.UTF_8);
                throw new DataException(name + ":" + line + ": " + f + " column" + (f == 1 ? "" : "s") + " where the header has "
                        + ncols + " (" + String.join(", ", columns) + "): '" + Quote.clip(text) + "'" + separatorHint(text));
            }
            int user = parseId(b, starts[uc], ends[uc], USER, name, line);
            int item = parseId(b, starts[ic], ends[ic], ITEM, name, line);
            int label = parseId(b, starts[lc], ends[lc], LABEL, name, line);
            if (label > 2) {
                throw new DataException(name + ":" + line + ": " + LABEL + " " + label + " is not 0 (train), 1 (valid) or 2 (test)");
            }
            p.splits[label].add(user, item);
            if (user > p.maxUser) {
                p.maxUser = user;
                p.maxUserLine = line;
            }
            if (item > p.maxItem) {
                p.maxItem = item;
                p.maxItemLine = line;
            }
            pos = end + 1;
        }
        return p;
    }

    private static int column(String[] columns, String wanted, String file, String header) {
        for (int k = 0; k < columns.length; k++) if (columns[k].strip().equals(wanted)) return k;
        throw new DataException(file + ":1: header has no column '" + wanted + "' (columns: " + Quote.clip(Arrays.toString(columns)) + ")"
                + separatorHint(header));
    }

    /** For a line without tabs that holds commas, semicolons or spaces: what the separator must be. */
    static String separatorHint(String text) {
        if (text.indexOf('\t') >= 0) return "";
        if (text.indexOf(',') >= 0) return "; columns must be separated by tabs, not commas (is this a CSV file?)";
        if (text.indexOf(';') >= 0) return "; columns must be separated by tabs, not semicolons";
        if (text.indexOf(' ') >= 0) return "; columns must be separated by tabs";
        return "";
    }

    private static int lineEnd(byte[] b, int from) {
        for (int k = from; k < b.length; k++) if (b[k] == '\n') return k;
        return b.length;
    }

    private static int trimCr(byte[] b, int from, int end) {
        return end > from && b[end - 1] == '\r' ? end - 1 : end;
    }

    /** A non-negative decimal int, surrounding spaces allowed; anything else names the line and column. */
    private static int parseId(byte[] b, int s, int e, String column, String file, int line) {
        while (s < e && b[s] == ' ') s++;
        while (e > s && b[e - 1] == ' ') e--;
        boolean negative = s < e && b[s] == '-';
        int k = negative ? s + 1 : s;
        if (k == e) throw badId(b, s, e, column, file, line, "is not an integer");
        long v = 0;
        for (; k < e; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) throw badId(b, s, e, column, file, line, "is not an integer");
            v = v * 10 + d;
            if (v > Integer.MAX_VALUE) throw badId(b, s, e, column, file, line, "is too large");
        }
        if (negative && v != 0) throw badId(b, s, e, column, file, line, "is negative");
        return (int) v;
    }

    private static DataException badId(byte[] b, int s, int e, String column, String file, int line, String why) {
        return new DataException(file + ":" + line + ": " + column + " '" + Quote.clip(new String(b, s, e - s, StandardCharsets.UTF_8)) + "' " + why);
    }
}
