package dev.mmgcn.data;

import dev.mmgcn.io.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MMRec's id mapping files: {@code u_id_mapping.csv} and {@code i_id_mapping.csv} (tab-separated despite
 * the name; {@code .tsv} is accepted too), a header naming the original-id column and the index column
 * ({@code user_id  userID}, {@code asin  itemID}, {@code original_item  itemID}, …), then one row per
 * user or item: the id as the user knows it, and the 0-based index the {@code .inter} file uses.
 *
 * <p>A mapping must cover every index of the dataset exactly once, with unique ids; anything else is a
 * {@link DataException} naming the file and line.
 */
public final class IdMapFiles {
    /** Base names MMRec gives the user and item mapping files. */
    public static final String USERS = "u_id_mapping", ITEMS = "i_id_mapping";

    private IdMapFiles() {
    }

    /** The mapping file for {@code base} in {@code dir}, or null when there is none. */
    public static Path find(Path dir, String base) {
        Path csv = dir.resolve(base + ".csv"), tsv = dir.resolve(base + ".tsv");
        boolean c = Files.isRegularFile(csv), t = Files.isRegularFile(tsv);
        if (c && t) throw new DataException(dir + ": both " + csv.getFileName() + " and " + tsv.getFileName() + " exist; keep one");
        return c ? csv : t ? tsv : null;
    }

    /**
     * Reads the mapping for {@code count} indices whose index column is {@code indexColumn}
     * ({@code userID} or {@code itemID}); without a file, the ids are the indices themselves.
     */
    public static IdMap read(Path dir, String base, String indexColumn, int count) {
        Path file = find(dir, base);
        return file == null ? IdMap.range(count, 0) : read(file, indexColumn, count);
    }

    public static IdMap read(Path file, String indexColumn, int count) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new DataException(file + ": empty; expected a header with an '" + indexColumn + "' column");
        String[] header = strip(lines.getFirst()).split("\t", -1);
        int ic = -1;
        for (int k = 0; k < header.length; k++) if (header[k].strip().equals(indexColumn)) ic = k;
        if (ic < 0 || header.length < 2) {
            throw new DataException(file + ":1: header " + Arrays.toString(header) + " needs the column '" + indexColumn
                    + "' and a column of original ids, separated by a tab");
        }
        int oc = ic == 0 ? 1 : 0;
        String[] ids = new String[count];
        int[] lineOf = new int[count];
        Map<String, Integer> seen = new HashMap<>();
        for (int ln = 1; ln < lines.size(); ln++) {
            String row = strip(lines.get(ln));
            if (row.isBlank()) continue;
            String where = file + ":" + (ln + 1);
            String[] f = row.split("\t", -1);
            if (f.length != header.length) {
                throw new DataException(where + ": " + f.length + " columns where the header has " + header.length + ": '" + quote(row) + "'");
            }
            int index;
            try {
                index = Integer.parseInt(f[ic].strip());
            } catch (NumberFormatException e) {
                throw new DataException(where + ": " + indexColumn + " '" + quote(f[ic]) + "' is not an integer");
            }
            if (index < 0 || index >= count) {
                throw new DataException(where + ": " + indexColumn + " " + index + " is outside the data's " + count
                        + " indices (0.." + (count - 1) + "); the mapping belongs to other data");
            }
            String id = f[oc].strip();
            if (id.isEmpty()) throw new DataException(where + ": the original id of " + indexColumn + " " + index + " is empty");
            if (ids[index] != null) throw new DataException(where + ": " + indexColumn + " " + index + " is mapped twice (also line " + lineOf[index] + ")");
            Integer other = seen.put(id, ln + 1);
            if (other != null) throw new DataException(where + ": id '" + quote(id) + "' is mapped twice (also line " + other + ")");
            ids[index] = id;
            lineOf[index] = ln + 1;
        }
        int missing = 0, first = -1;
        for (int i = 0; i < count; i++) {
            if (ids[i] == null) {
                if (first < 0) first = i;
                missing++;
            }
        }
        if (missing > 0) {
            throw new DataException(file + ": no row for " + indexColumn + " " + first + (missing > 1 ? " and " + (missing - 1) + " more" : "")
                    + " of the data's " + count + "; the mapping must cover every index");
        }
        return IdMap.of(Arrays.asList(ids));
    }

    /** Writes {@code <dir>/<base>.tsv} with header {@code <originalColumn> TAB <indexColumn>}, atomically. */
    public static Path write(Path dir, String base, String originalColumn, String indexColumn, IdMap ids) throws IOException {
        Path file = dir.resolve(base + ".tsv");
        List<String> rows = new ArrayList<>(ids.size() + 1);
        rows.add(originalColumn + "\t" + indexColumn);
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.external(i);
            if (id.indexOf('\t') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || !id.equals(id.strip())) {
                throw new DataException(file + ": id '" + quote(id) + "' of index " + i + " has tabs, line breaks or surrounding spaces and cannot be written");
            }
            rows.add(id + "\t" + i);
        }
        AtomicFile.write(file, out -> {
            for (String r : rows) out.write((r + "\n").getBytes(StandardCharsets.UTF_8));
        });
        return file;
    }

    private static String strip(String line) {
        String s = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        return dev.mmgcn.io.Bom.strip(s);
    }

    private static String quote(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
