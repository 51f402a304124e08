package dev.mmgcn.data;

import dev.mmgcn.storage.Scope;

import java.util.List;

/**
 * A recommendation dataset: users and items with 0-based contiguous indices, the train/valid/test
 * interactions, per-modality item features, and the ids users and items have in the user's files
 * ({@link #userIds()}, {@link #itemIds()}). Owns the scope its feature buffers live in.
 */
public final class Dataset implements AutoCloseable {
    private final String name;
    private final int numUsers;
    private final int numItems;
    private final Interactions train;
    private final Interactions valid;
    private final Interactions test;
    private final List<Modality> modalities;
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
        this.scope = scope;
        for (Modality m : modalities) {
            if (m.features().rows() != numItems) {
                throw new DataException("modality '" + m.name() + "' has " + m.features().rows()
                        + " feature rows for " + numItems + " items");
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

    public List<Modality> modalities() { return modalities; }

    /** Each user's id as written in the data files; index = the user's 0-based index. */
    public IdMap userIds() { return userIds; }

    /** Each item's id as written in the data files; index = the item's 0-based index (its feature row). */
    public IdMap itemIds() { return itemIds; }

    public Modality modality(String modalityName) {
        for (Modality m : modalities) if (m.name().equals(modalityName)) return m;
        throw new DataException("dataset '" + name + "' has no modality '" + modalityName + "' (it has " + modalityNames() + ")");
    }

    public List<String> modalityNames() {
        return modalities.stream().map(Modality::name).toList();
    }

    /**
     * The same data with only the named modalities, in that order. The result takes over the buffers:
     * close it, not this one.
     */
    public Dataset withModalities(List<String> names) {
        if (names.stream().distinct().count() != names.size()) throw new DataException("modality listed twice in " + names);
        List<Modality> chosen = names.stream().map(this::modality).toList();
        return new Dataset(name, numUsers, numItems, train, valid, test, chosen, scope, userIds, itemIds);
    }

    public String summary() {
        return String.format("%s: %,d users, %,d items, %,d train / %,d valid / %,d test interactions, modalities %s",
                name, numUsers, numItems, train.size(), valid.size(), test.size(),
                modalities.stream().map(m -> m.name() + "(" + m.dim() + ")").toList());
    }

    @Override
    public void close() {
        if (scope != null) scope.close();
    }
}
