package dev.mmgcn.api;

/** Whether a user's training items may appear in their recommendations. */
public enum Seen {
    /** Leave out the items the user interacted with in the training data (the default). */
    EXCLUDE,
    /** Rank every item, seen or not. */
    INCLUDE
}
