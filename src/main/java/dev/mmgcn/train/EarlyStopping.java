package dev.mmgcn.train;

/**
 * Early stopping: epochs since the last new best validation, against a patience (0 = never stop early).
 * It is the part of a run's state beside the parameters that decides when training ends, so a resumed
 * run restores exactly this value ({@link TrainingState#sinceBest}) and goes on as the uninterrupted one.
 */
record EarlyStopping(int patience, int sinceBest) {
    /** After an epoch: back to 0 when any validation in it was a new best, else one more. */
    EarlyStopping after(boolean improved) {
        return new EarlyStopping(patience, improved ? 0 : sinceBest + 1);
    }

    /** Whether training stops here. */
    boolean stops() {
        return patience > 0 && sinceBest >= patience;
    }
}
