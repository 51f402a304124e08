package dev.mmgcn.cli;

import dev.mmgcn.data.Dataset;

/** Loads a dataset folder given on the command line (filled in with the MMRec and MMGCN readers). */
final class FolderData {
    private FolderData() {
    }

    static Dataset load(Args a) {
        throw new Args.UsageException("--data: folder datasets are not wired in yet");
    }
}
