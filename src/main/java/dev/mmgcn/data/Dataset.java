package dev.mmgcn.data;

import dev.mmgcn.storage.Scope;

import java.util.List;

/**
 * A recommendation dataset: users and items with 0-based contiguous indices, the train/valid/test
 * interactions, per-modality item features, any text modalities given as bags of word ids
 * ({@link BagOfWords}, the original MMGCN TikTok/Kwai release), and the ids users and items have in
 * the user's files ({@link #userIds()}, {@link #itemIds()}). Owns the scope its buffers live in.
 */
public final class Dataset implements AutoCloseable {
    private final String name;
    private final int numUsers;
    private final int numItems;
    private final Interactions train;
    private final Interactions valid;
    private final Interactions test;
    private final List<Modality> modalities;
    private final List<BagOfWords> wordModalities;
    private final Scope scope;
    private final IdMap userIds;
    private final IdMap itemIds;

    /** A dataset whose ids are the indices themselves. */
    public Dataset(String name, int numUsers, int numItems, Interactions train, Interactions valid,
                   Interactions test, List<Modality> modalities, Scope scope) {
        this(name, numUsers, numItems, train, valid, test, modalities, scope, IdMap.range(numUsers, 0), IdMap.range(numItems, 0));
    }

    public Dataset(String name, int numUsers, int numItems, Interactions train, Interactions valid,
                   Interactions test, List<Modality> modalities, Scope scope, IdMap userIds, IdMap itemIds) {
        this(name, numUsers, numItems, train, valid, test, modalities, List.of(), scope, userIds, itemIds);
    }

    /** A dataset whose ids are the indices themselves, with bag-of-words modalities (their CSRs live in {@code scope}). */
    public Dataset(String name, int numUsers, int numItems, Interactions train, Interactions valid,
                   Interactions test, List<Modality> modalities, List<BagOfWords> wordModalities, Scope scope) {
        this(name, numUsers, numItems, train, valid, test, modalities, wordModalities, scope, IdMap.range(numUsers, 0),
                IdMap.range(numItems, 0));
    }

    public Dataset(String name, int numUsers, int numItems, Interactions train, Interactions valid, Interactions test,
                   List<Modality> modalities, List<BagOfWords> wordModalities, Scope scope, IdMap userIds, IdMap itemIds) {
        if (userIds.size() != numUsers || itemIds.size() != numItems) {
            throw new DataException("dataset '" + name + "': " + userIds.size() + " user ids for " + numUsers + " users, "
                    + itemIds.size() + " item ids for " + numItems + " items");
        }
        this.userIds = userIds;
        this.itemIds = itemIds;
        this.name = name;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.train = train;
        this.valid = valid;
        this.test = test;
        this.modalities = List.copyOf(modalities);
        this.wordModalities = List.copyOf(wordModalities);
        this.scope = scope;
        for (Modality m : modalities) {
            if (m.features().rows() != numItems) {
                throw new DataException("modality '" + m.name() + "' has " + m.features().rows()
                        + " feature rows for " + numItems + " items");
            }
        }
        for (BagOfWords b : this.wordModalities) {
            if (b.numItems() != numItems) {
                throw new DataException("word modality '" + b.name() + "' has " + b.numItems() + " item rows for " + numItems + " items");
            }
            if (modalities.stream().anyMatch(m -> m.name().equals(b.name()))) {
                throw new DataException("modality '" + b.name() + "' is given both as features and as word ids");
            }
        }
        checkIds("train", train);
        checkIds("valid", valid);
        checkIds("test", test);
    }

    private void checkIds(String split, Interactions s) {
        for (int k = 0; k < s.size(); k++) {
            if (s.users()[k] < 0 || s.users()[k] >= numUsers) {
                throw new DataException(split + " interaction " + k + ": user " + s.users()[k] + " outside [0," + numUsers + ")");
            }
            if (s.items()[k] < 0 || s.items()[k] >= numItems) {
                throw new DataException(split + " interaction " + k + ": item " + s.items()[k] + " outside [0," + numItems + ")");
            }
        }
    }

    public String name() { return name; }

    public int numUsers() { return numUsers; }

    public int numItems() { return numItems; }

    public Interactions train() { return train; }

    public Interactions valid() { return valid; }

    public Interactions test() { return test; }

    /** The dense feature modalities. */
    public List<Modality> modalities() { return modalities; }

    /** The bag-of-words text modalities (item × vocabulary CSRs), possibly none. */
    public List<BagOfWords> wordModalities() { return wordModalities; }

    /** Each user's id as written in the data files; index = the user's 0-based index. */
    public IdMap userIds() { return userIds; }

    /** Each item's id as written in the data files; index = the item's 0-based index (its feature row). */
    public IdMap itemIds() { return itemIds; }

    public Modality modality(String modalityName) {
        for (Modality m : modalities) if (m.name().equals(modalityName)) return m;
        if (wordModalities.stream().anyMatch(b -> b.name().equals(modalityName))) {
            throw new DataException("modality '" + modalityName + "' of dataset '" + name + "' is a bag of word ids, not a feature matrix");
        }
        throw new DataException("dataset '" + name + "' has no modality '" + modalityName + "' (it has " + modalityNames() + ")");
    }

    /** Every modality's name: the dense ones, then the bags of words. */
    public List<String> modalityNames() {
        List<String> out = new java.util.ArrayList<>(modalities.stream().map(Modality::name).toList());
        wordModalities.forEach(b -> out.add(b.name()));
        return out;
    }

    /**
     * The same data with only the named modalities (dense or bag-of-words), in that order. The result
     * takes over the buffers: close it, not this one.
     */
    public Dataset withModalities(List<String> names) {
        if (names.stream().distinct().count() != names.size()) throw new DataException("modality listed twice in " + names);
        List<Modality> dense = new java.util.ArrayList<>();
        List<BagOfWords> bags = new java.util.ArrayList<>();
        for (String n : names) {
            BagOfWords bag = wordModalities.stream().filter(b -> b.name().equals(n)).findFirst().orElse(null);
            if (bag != null) bags.add(bag);
            else dense.add(modality(n));
        }
        return new Dataset(name, numUsers, numItems, train, valid, test, dense, bags, scope, userIds, itemIds);
    }

    /** The same data without its bag-of-words modalities (for models that read dense features only). */
    public Dataset withoutWordModalities() {
        return new Dataset(name, numUsers, numItems, train, valid, test, modalities, List.of(), scope, userIds, itemIds);
    }

    public String summary() {
        List<String> mods = new java.util.ArrayList<>(modalities.stream().map(m -> m.name() + "(" + m.dim() + ")").toList());
        wordModalities.forEach(b -> mods.add(b.name() + "(words: " + b.vocabulary() + ")"));
        return String.format("%s: %,d users, %,d items, %,d train / %,d valid / %,d test interactions, modalities %s",
                name, numUsers, numItems, train.size(), valid.size(), test.size(), mods);
    }

    @Override
    public void close() {
        if (scope != null) scope.close();
    }
}
