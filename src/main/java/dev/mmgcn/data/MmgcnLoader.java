package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads the original MMGCN file layout:
 * <ul>
 *   <li>{@code train.npy}: int N×2 rows {@code [user, item]};</li>
 *   <li>{@code val.npy}, {@code test.npy}: object arrays, one list {@code [user, item, item, ...]} per
 *       user (a list may hold only the user);</li>
 *   <li>{@code user_item_dict.npy}: a 0-d object array holding {@code dict user -> list of items},
 *       which should repeat train; it is only checked against train and disagreements reported;</li>
 *   <li>dense feature matrices per modality (row i = item i), and optionally a text modality given
 *       as {@code (item, word)} int pairs (2 × n), loaded as a {@link BagOfWords}.</li>
 * </ul>
 * The official full release numbers items after the users (item id = numUsers + local id) in the
 * interaction files; {@link Options#offsetByUsers()} or {@link Options#itemOffset()} undoes that.
 * Feature rows and word-pair item ids are always local (0-based), as MMGCN indexes them.
 */
public final class MmgcnLoader {
    private MmgcnLoader() {
    }

    /**
     * File names (relative to the dataset folder; {@code valid}, {@code test} and {@code userItemDict}
     * may be null for none), modality files, and how item ids are offset in the interaction files.
     *
     * @param features      modality name → dense float feature file
     * @param wordPairs     modality name → 2×n int file of (item, word) pairs
     * @param itemOffset    subtracted from every item id of train/valid/test/dict (ignored when offsetByUsers)
     * @param offsetByUsers subtract the number of users (largest user id + 1), as the official release needs
     */
    public record Options(String train, String valid, String test, String userItemDict,
                          Map<String, String> features, Map<String, String> wordPairs,
                          long itemOffset, boolean offsetByUsers) {
        public Options {
            features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(features));
            wordPairs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(wordPairs));
            if (itemOffset < 0) throw new IllegalArgumentException("negative item offset " + itemOffset);
        }

        /** The official release's names, items offset by the user count, no modalities yet. */
        public static Options official() {
            return new Options("train.npy", "val.npy", "test.npy", "user_item_dict.npy", Map.of(), Map.of(), 0, true);
        }

        /** The authors' 100-user samples: {@code *_sample.npy}, items not offset, no modalities yet. */
        public static Options sample() {
            return new Options("train_sample.npy", "val_sample.npy", "test_sample.npy", "user_item_dict_sample.npy",
                    Map.of(), Map.of(), 0, false);
        }

        public Options withFiles(String train, String valid, String test, String userItemDict) {
            return new Options(train, valid, test, userItemDict, features, wordPairs, itemOffset, offsetByUsers);
        }

        public Options withFeatures(Map<String, String> modalityFiles) {
            return new Options(train, valid, test, userItemDict, modalityFiles, wordPairs, itemOffset, offsetByUsers);
        }

        public Options withWordPairs(Map<String, String> modalityFiles) {
            return new Options(train, valid, test, userItemDict, features, modalityFiles, itemOffset, offsetByUsers);
        }

        /** A fixed offset (0 = ids already local). */
        public Options withItemOffset(long offset) {
            return new Options(train, valid, test, userItemDict, features, wordPairs, offset, false);
        }

        /** Offset item ids by the number of users, as in the official full files. */
        public Options withOffsetByUsers() {
            return new Options(train, valid, test, userItemDict, features, wordPairs, 0, true);
        }
    }

    /**
     * Guesses options from the folder: {@code train_sample.npy} means the sample naming with
     * no offset, {@code train.npy} the official naming offset by users ({@code val_full.npy}/
     * {@code test_full.npy} are accepted for valid/test). Modalities: {@code v_feat*.npy} visual,
     * {@code a_feat*.npy} acoustic, {@code t_feat*.npy} textual; a textual file with an integer
     * 2×n array, or {@code t_item_word_pairs*.npy}, is taken as word pairs.
     */
    public static Options guess(Path dir) {
        Options o;
        if (Files.isRegularFile(dir.resolve("train_sample.npy"))) {
            o = Options.sample();
        } else if (Files.isRegularFile(dir.resolve("train.npy"))) {
            o = Options.official().withFiles("train.npy", firstPresent(dir, "val.npy", "val_full.npy"),
                    firstPresent(dir, "test.npy", "test_full.npy"), firstPresent(dir, "user_item_dict.npy"));
        } else if (Files.isDirectory(dir)) {
            throw new DataException(dir + ": neither train.npy nor train_sample.npy; not an MMGCN dataset folder");
        } else {
            throw new DataException(dir + ": folder not found");
        }
        if (o.userItemDict() != null && !Files.isRegularFile(dir.resolve(o.userItemDict()))) {
            o = o.withFiles(o.train(), o.valid(), o.test(), null);
        }
        Map<String, String> features = new LinkedHashMap<>();
        Map<String, String> words = new LinkedHashMap<>();
        String[][] prefixes = {{"v_feat", "visual"}, {"a_feat", "acoustic"}, {"t_feat", "textual"}, {"t_item_word_pairs", "textual"}};
        for (String[] pm : prefixes) {
            for (String f : list(dir, pm[0] + "*.npy")) {
                NpyHeader h = Npy.header(dir.resolve(f));
                boolean pairs = h.dtype().isInteger() && h.rank() == 2 && (h.shape()[0] == 2 || h.shape()[1] == 2);
                Map<String, String> target = pairs ? words : features;
                if (features.containsKey(pm[1]) || words.containsKey(pm[1])) {
                    String prev = features.containsKey(pm[1]) ? features.get(pm[1]) : words.get(pm[1]);
                    throw new DataException(dir + ": both " + prev + " and " + f + " look like the " + pm[1]
                            + " modality; give the modalities explicitly");
                }
                target.put(pm[1], f);
            }
        }
        return o.withFeatures(features).withWordPairs(words);
    }

    private static String firstPresent(Path dir, String... names) {
        for (String n : names) if (Files.isRegularFile(dir.resolve(n))) return n;
        return names[0];
    }

    private static List<String> list(Path dir, String glob) {
        TreeMap<String, String> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) out.put(p.getFileName().toString(), "");
        } catch (NoSuchFileException e) {
            throw new DataException(dir + ": folder not found");
        } catch (IOException e) {
            throw new DataException(dir + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(out.keySet());
    }

    /** Loads with {@link #guess}'s options. */
    public static LoadResult load(Path dir, String name) {
        return load(dir, name, guess(dir));
    }

    public static LoadResult load(Path dir, String name, Options options) {
        LoadReport report = new LoadReport();
        Path trainFile = dir.resolve(options.train());
        Raw train = readTrain(trainFile);
        Raw valid = options.valid() == null ? Raw.empty("valid") : readLists(dir.resolve(options.valid()), "valid");
        Raw test = options.test() == null ? Raw.empty("test") : readLists(dir.resolve(options.test()), "test");
        Raw dict = options.userItemDict() == null ? null : readDict(dir.resolve(options.userItemDict()));
        Raw[] all = dict == null ? new Raw[]{train, valid, test} : new Raw[]{train, valid, test, dict};

        long maxUser = -1;
        String maxUserWhere = "";
        for (Raw r : all) {
            if (r.maxUser > maxUser) {
                maxUser = r.maxUser;
                maxUserWhere = r.file;
            }
        }
        if (train.size == 0) throw new DataException(trainFile + ": no train interactions");
        if (maxUser + 1 > IdDensity.FLOOR) IdDensity.check("user", maxUser, concat(all, true, 0), total(all), maxUserWhere, "u_id_mapping.tsv");
        int numUsers = Math.toIntExact(maxUser + 1);
        long offset = options.offsetByUsers() ? numUsers : options.itemOffset();

        long minItem = Long.MAX_VALUE;
        long maxItem = -1;
        String maxWhere = "";
        for (Raw r : all) {
            for (int k = 0; k < r.size; k++) {
                long item = r.items[k];
                minItem = Math.min(minItem, item);
                if (item < offset) {
                    throw new DataException(r.file + ": " + r.where(k) + ": item id " + item + " is below the item offset " + offset
                            + (options.offsetByUsers() ? " (the user count; if these files are not offset, use item offset 0)" : ""));
                }
                if (item - offset > maxItem) {
                    maxItem = item - offset;
                    maxWhere = r.file + " " + r.where(k);
                }
            }
        }
        if (maxItem >= Integer.MAX_VALUE) throw new DataException(maxWhere + ": item id " + (maxItem + offset) + " is too large");
        if (offset == 0 && minItem >= numUsers && minItem != Long.MAX_VALUE) {
            report.note("every item id is at least " + minItem + " ≥ the user count " + numUsers
                    + "; if these files number items after users, load them with the item offset = user count");
        }
        if (maxItem + 1 > IdDensity.FLOOR) IdDensity.check("item", maxItem, concat(all, false, offset), total(all), maxWhere, "i_id_mapping.tsv");
        int neededItems = (int) maxItem + 1;
        Map<String, Path> featureFiles = new LinkedHashMap<>();
        options.features().forEach((m, f) -> featureFiles.put(m, dir.resolve(f)));
        int featureRows = MmrecLoader.checkFeatureRows(featureFiles, neededItems, maxWhere);
        int numItems = Math.max(neededItems, featureRows);

        for (Raw r : new Raw[]{valid, test}) {
            if (r.entriesWithoutItems > 0) {
                report.note(r.file + ": " + r.entriesWithoutItems + " users have no " + r.split + " items");
            }
        }
        SplitBuilder[] splits = {build(train, offset, report), build(valid, offset, report), build(test, offset, report)};
        if (dict != null) compareDict(dict, offset, splits[0], trainFile, report);

        Scope scope = new HostScope();
        try {
            List<Modality> mods = Modality.readAll(featureFiles, scope);
            List<BagOfWords> bags = new ArrayList<>();
            for (Map.Entry<String, String> e : options.wordPairs().entrySet()) {
                if (options.features().containsKey(e.getKey())) {
                    throw new DataException("modality '" + e.getKey() + "' is given both as features ("
                            + options.features().get(e.getKey()) + ") and as word pairs (" + e.getValue() + ")");
                }
                BagOfWords b = readWordPairs(dir.resolve(e.getValue()), e.getKey(), numItems, scope);
                report.note(e.getValue() + ": modality '" + e.getKey() + "' is a bag of words: " + b.pairs() + " (item, word) pairs ("
                        + (b.pairs() - b.distinctPairs()) + " repeats, counted), vocabulary " + b.vocabulary() + ", "
                        + b.itemsWithoutWords() + " of " + numItems + " items without words");
                bags.add(b);
            }
            // the ids as the files write them: users as they are, items with the offset added back
            Dataset d = new Dataset(name, numUsers, numItems, splits[0].build(), splits[1].build(), splits[2].build(),
                    mods, bags, scope, IdMap.range(numUsers, 0), IdMap.range(numItems, offset));
            SplitChecks.report(report, dir.toString(), d, splits);
            return new LoadResult(d, bags, report);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    private static int total(Raw[] all) {
        int n = 0;
        for (Raw r : all) n += r.size;
        return n;
    }

    /** Every user (or item, less the offset) id of all files, for the density check. */
    private static long[] concat(Raw[] all, boolean users, long offset) {
        long[] out = new long[total(all)];
        int n = 0;
        for (Raw r : all) for (int k = 0; k < r.size; k++) out[n++] = users ? r.users[k] : r.items[k] - offset;
        return out;
    }

    /** Pairs as read, with where each came from for messages. */
    private static final class Raw {
        final String file;
        final String split;
        final String unit;
        long[] users = new long[256];
        long[] items = new long[256];
        int[] at = new int[256];
        int size;
        /** Largest user id seen, including users of entries without items. */
        long maxUser = -1;
        int entriesWithoutItems;

        Raw(String file, String split, String unit) {
            this.file = file;
            this.split = split;
            this.unit = unit;
        }

        static Raw empty(String split) {
            return new Raw("(none)", split, "entry");
        }

        void add(long user, long item, int where) {
            if (size == users.length) {
                users = java.util.Arrays.copyOf(users, size * 2);
                items = java.util.Arrays.copyOf(items, size * 2);
                at = java.util.Arrays.copyOf(at, size * 2);
            }
            users[size] = user;
            items[size] = item;
            at[size] = where;
            size++;
            noteUser(user);
        }

        void noteUser(long user) {
            maxUser = Math.max(maxUser, user);
        }

        String where(int k) {
            return unit + " " + at[k];
        }
    }

    private static Raw readTrain(Path file) {
        Npy.Longs a = Npy.readLongs(file);
        if (a.shape().length != 2 || a.cols() != 2) {
            throw new DataException(file + ": shape " + java.util.Arrays.toString(a.shape())
                    + " where N × 2 rows [user, item] were expected"
                    + (a.shape().length == 2 && a.rows() == 2 ? " (it looks transposed)" : ""));
        }
        Raw r = new Raw(file.toString(), "train", "row");
        for (int k = 0; k < a.rows(); k++) {
            long u = a.get(k, 0);
            long i = a.get(k, 1);
            if (u < 0 || u >= Integer.MAX_VALUE) throw new DataException(file + ": row " + k + ": user id " + u + " is out of range");
            if (i < 0) throw new DataException(file + ": row " + k + ": item id " + i + " is negative");
            r.add(u, i, k);
        }
        return r;
    }

    private static Raw readLists(Path file, String split) {
        Object o = Npy.readObject(file);
        if (!(o instanceof List<?> entries)) {
            throw new DataException(file + ": expected a 1-D object array of [user, item, ...] lists, got " + describe(o));
        }
        Raw r = new Raw(file.toString(), split, "entry");
        for (int e = 0; e < entries.size(); e++) {
            if (!(entries.get(e) instanceof List<?> list)) {
                throw new DataException(file + ": entry " + e + " is " + describe(entries.get(e)) + ", not a [user, item, ...] list");
            }
            if (list.isEmpty()) throw new DataException(file + ": entry " + e + " is an empty list (no user)");
            long u = id(list.getFirst(), file, "entry " + e + " user");
            for (int k = 1; k < list.size(); k++) r.add(u, id(list.get(k), file, "entry " + e + " (user " + u + ") item " + k), e);
            r.noteUser(u);
            if (list.size() == 1) r.entriesWithoutItems++;
        }
        return r;
    }

    private static Raw readDict(Path file) {
        Object o = Npy.readObject(file);
        if (!(o instanceof Map<?, ?> m)) {
            throw new DataException(file + ": expected a 0-d object array holding a dict user -> items, got " + describe(o));
        }
        Raw r = new Raw(file.toString(), "user_item_dict", "user");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            long u = id(e.getKey(), file, "key");
            if (!(e.getValue() instanceof Collection<?> items)) {
                throw new DataException(file + ": user " + u + " maps to " + describe(e.getValue()) + ", not a list of items");
            }
            int k = 0;
            for (Object item : items) r.add(u, id(item, file, "user " + u + " item " + k++), (int) u);
        }
        return r;
    }

    private static long id(Object o, Path file, String where) {
        long v;
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            v = ((Number) o).longValue();
        } else if (o instanceof BigInteger) {
            throw new DataException(file + ": " + where + ": id " + o + " is too large");
        } else {
            throw new DataException(file + ": " + where + ": " + describe(o) + " is not an integer id");
        }
        if (v < 0) throw new DataException(file + ": " + where + ": id " + v + " is negative");
        if (v >= Integer.MAX_VALUE) throw new DataException(file + ": " + where + ": id " + v + " is too large");
        return v;
    }

    private static String describe(Object o) {
        if (o == null) return "None";
        String s = String.valueOf(o);
        if (s.length() > 40) s = s.substring(0, 40) + "...";
        return o.getClass().getSimpleName() + " " + s;
    }

    private static SplitBuilder build(Raw r, long offset, LoadReport report) {
        SplitBuilder b = new SplitBuilder(r.split, r.size);
        for (int k = 0; k < r.size; k++) b.add((int) r.users[k], (int) (r.items[k] - offset));
        report.recordDuplicates(r.split, r.file, b.duplicates());
        return b;
    }

    private static void compareDict(Raw dict, long offset, SplitBuilder train, Path trainFile, LoadReport report) {
        LongHashSet pairs = new LongHashSet(dict.size);
        int onlyDict = 0;
        String dictExample = null;
        for (int k = 0; k < dict.size; k++) {
            int u = (int) dict.users[k];
            int i = (int) (dict.items[k] - offset);
            pairs.add(LongHashSet.pair(u, i));
            if (!train.contains(u, i)) {
                if (onlyDict++ == 0) dictExample = "user " + u + ", item " + i;
            }
        }
        int onlyTrain = 0;
        String trainExample = null;
        for (int k = 0; k < train.size(); k++) {
            if (!pairs.contains(LongHashSet.pair(train.user(k), train.item(k)))) {
                if (onlyTrain++ == 0) trainExample = "user " + train.user(k) + ", item " + train.item(k);
            }
        }
        String dictName = Path.of(dict.file).getFileName().toString();
        if (onlyDict == 0 && onlyTrain == 0) {
            report.note(dictName + " agrees with " + trainFile.getFileName() + " (" + pairs.size() + " pairs)");
        } else {
            report.warn(dictName + " disagrees with " + trainFile.getFileName() + ": " + onlyDict + " pairs only in the dict"
                    + (dictExample == null ? "" : " (e.g. " + dictExample + ")") + ", " + onlyTrain + " only in train"
                    + (trainExample == null ? "" : " (e.g. " + trainExample + ")") + "; train is what is used");
        }
    }

    private static BagOfWords readWordPairs(Path file, String modality, int numItems, Scope scope) {
        Npy.Longs a = Npy.readLongs(file);
        boolean rowsArePairs = a.shape().length == 2 && a.rows() != 2 && a.cols() == 2;
        if (a.shape().length != 2 || (a.rows() != 2 && !rowsArePairs)) {
            throw new DataException(file + ": shape " + java.util.Arrays.toString(a.shape())
                    + " where 2 × n (item, word) pairs were expected");
        }
        int n = rowsArePairs ? a.rows() : a.cols();
        int[] items = new int[n];
        int[] words = new int[n];
        int[] count = new int[numItems];
        long maxWord = -1;
        LongHashSet distinct = new LongHashSet(n);
        for (int k = 0; k < n; k++) {
            long item = rowsArePairs ? a.get(k, 0) : a.get(0, k);
            long word = rowsArePairs ? a.get(k, 1) : a.get(1, k);
            if (item < 0 || item >= numItems) {
                throw new DataException(file + ": pair " + k + ": item " + item + " outside [0, " + numItems + ")");
            }
            if (word < 0 || word >= Integer.MAX_VALUE) {
                throw new DataException(file + ": pair " + k + ": word id " + word + " is out of range");
            }
            items[k] = (int) item;
            words[k] = (int) word;
            count[(int) item]++;
            maxWord = Math.max(maxWord, word);
            distinct.add(LongHashSet.pair((int) item, (int) word));
        }
        float[] vals = new float[n];
        for (int k = 0; k < n; k++) vals[k] = 1f / count[items[k]];
        int without = 0;
        for (int c : count) if (c == 0) without++;
        CsrMatrix m = CsrMatrix.fromCoo(scope, numItems, (int) maxWord + 1, items, words, vals);
        return new BagOfWords(modality, m, n, distinct.size(), without);
    }
}
