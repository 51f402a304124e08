package dev.mmgcn.spark;

import dev.mmgcn.data.DataException;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.SeenItems;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The held-out items of each user that an evaluation counts as hits, as a user × item CSR over all the
 * model's users (sorted, distinct: the same pattern {@code Evaluator} builds from a split), read on the
 * driver from the dataset the checkpoint records ({@link DatasetSplits}) or from a file of (user, item)
 * pairs in the users' and items' own ids.
 */
public record HeldOut(String source, SeenItems positives) {

    /** The valid or test split of the checkpoint's dataset (or of {@code dataDir} when given). */
    public static HeldOut fromDataset(ModelInput model, String split, Path dataDir) {
        if (!split.equals("valid") && !split.equals("test")) {
            throw new CliException("--split must be valid or test, got '" + split + "'");
        }
        try {
            DatasetSplits d = DatasetSplits.load(model, dataDir);
            Interactions target = split.equals("test") ? d.test() : d.valid();
            return new HeldOut(d.source() + ", " + split + " split", SeenItems.of(model.users(), model.items(), target));
        } catch (DataException e) {
            throw e.getCause() instanceof IOException ? CliException.io(e.getMessage()) : CliException.data(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw CliException.data(e.getMessage());
        }
    }

    /**
     * A TSV file whose header names the columns {@code user} and {@code item} (others are ignored), one
     * held-out pair per line, in the users' and items' own ids. An unknown id stops with the file and line.
     */
    public static HeldOut fromTsv(ModelInput model, Path file) {
        if (!Files.isRegularFile(file)) throw new CliException("--pairs: " + file + (Files.exists(file) ? " is not a file" : " does not exist"));
        IntList users = new IntList(), items = new IntList();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = dev.mmgcn.io.Bom.strip(in.readLine());
            if (header == null) throw CliException.data(file + ": empty; expected a header line naming the columns user and item");
            List<String> cols = Arrays.stream(header.split("\t", -1)).map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
            int uc = cols.indexOf("user"), ic = cols.indexOf("item");
            if (uc < 0 || ic < 0) {
                throw CliException.data(file + " line 1: the header must name the columns 'user' and 'item' (tab-separated), got '" + header + "'");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] f = line.split("\t", -1);
                if (f.length <= Math.max(uc, ic)) throw CliException.data(file + " line " + lineNo + ": " + f.length + " fields, the header has " + cols.size());
                add(model, f[uc].trim(), f[ic].trim(), file + " line " + lineNo, users, items);
            }
        } catch (IOException e) {
            throw CliException.io("--pairs: cannot read " + file + ": " + e.getMessage());
        }
        return of(model, file.toString(), users, items);
    }

    /** Pairs already read (e.g. from Parquet by Spark), with where each came from for messages. */
    public static HeldOut fromPairs(ModelInput model, String source, List<String[]> pairs) {
        IntList users = new IntList(), items = new IntList();
        for (int p = 0; p < pairs.size(); p++) add(model, pairs.get(p)[0], pairs.get(p)[1], source + " row " + (p + 1), users, items);
        return of(model, source, users, items);
    }

    private static void add(ModelInput model, String user, String item, String where, IntList users, IntList items) {
        int u = model.userIds().index(user);
        if (u < 0) throw CliException.data(where + ": user '" + user + "' is not one of the model's " + model.users() + " users");
        int i = model.itemIds().index(item);
        if (i < 0) throw CliException.data(where + ": item '" + item + "' is not one of the model's " + model.items() + " items");
        users.add(u);
        items.add(i);
    }

    private static HeldOut of(ModelInput model, String source, IntList users, IntList items) {
        if (users.size() == 0) throw CliException.data(source + ": no held-out pairs");
        return new HeldOut(source, SeenItems.of(model.users(), model.items(), new Interactions(users.toArray(), items.toArray())));
    }

    /** Users with at least one held-out item. */
    public int evaluatedUsers() {
        int n = 0;
        for (int u = 0; u < positives.numUsers(); u++) if (positives.count(u) > 0) n++;
        return n;
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
            a[n++] = v;
        }

        int size() { return n; }

        int[] toArray() { return Arrays.copyOf(a, n); }
    }
}
