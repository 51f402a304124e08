package dev.mmgcn.api;

/**
 * An item and its score: for {@link MmgcnModel#recommend} and {@link MmgcnModel#score} the model's
 * preference score ⟨user, item⟩ (higher is better, unbounded); for {@link MmgcnModel#similarItems}
 * the cosine similarity of the two items' representations, in [−1, 1].
 *
 * @param item  the item's id as written in the training data
 * @param score the score
 */
public record ScoredItem(String item, float score) {
}
