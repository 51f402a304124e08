package dev.mmgcn.data;

import java.util.Objects;

/**
 * What a trained model keeps of its training data: the data's {@link DataFingerprint}, the users' and
 * items' own ids, and each user's training items. Enough to recommend in the user's ids without the
 * dataset, and to tell whether a dataset given later is the one the model was trained on.
 */
public record TrainingRecord(DataFingerprint fingerprint, IdMap userIds, IdMap itemIds, SeenItems seen) {
    public TrainingRecord {
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (userIds.size() != seen.numUsers() || itemIds.size() != seen.numItems()) {
            throw new IllegalArgumentException(userIds.size() + " user ids and " + itemIds.size() + " item ids for seen items of "
                    + seen.numUsers() + " users and " + seen.numItems() + " items");
        }
    }

    /** The record of {@code d}: its fingerprint, id maps and training interactions. */
    public static TrainingRecord of(Dataset d) {
        return new TrainingRecord(DataFingerprint.of(d), d.userIds(), d.itemIds(), SeenItems.of(d.numUsers(), d.numItems(), d.train()));
    }

    public int numUsers() { return seen.numUsers(); }

    public int numItems() { return seen.numItems(); }
}
