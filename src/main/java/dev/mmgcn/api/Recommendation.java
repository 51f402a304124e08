package dev.mmgcn.api;

import java.util.List;

/**
 * One user's top-K list from a batch {@link MmgcnModel#recommend(List, int)}.
 *
 * @param user  the user's id, as given
 * @param items best first; fewer than K when the user has seen nearly every item
 */
public record Recommendation(String user, List<ScoredItem> items) {
    public Recommendation {
        items = List.copyOf(items);
    }
}
