package dev.mmgcn.data;

import dev.mmgcn.storage.CsrMatrix;

/**
 * A text modality given as word ids rather than dense vectors (the original MMGCN TikTok release:
 * {@code (item, word)} pairs). {@code itemWords} is an items × vocabulary CSR whose row i gives each
 * word of item i the value (occurrences of the pair)/(number of pairs of item i): a word that occurs
 * twice for an item has one entry worth two shares (a CSR holds one entry per coordinate). So
 * {@code itemWords · E} for a word-embedding table E is exactly MMGCN's mean of the item's word
 * embeddings (its {@code scatter_('mean', ...)}, repeats counted), and an item without words gets a zero row.
 *
 * @param name      modality name (e.g. "textual")
 * @param itemWords items × vocabulary, values 1/count; lives in the dataset's scope
 * @param pairs     number of (item, word) pairs read, repeats included
 * @param distinctPairs number of distinct (item, word) pairs
 * @param itemsWithoutWords items whose row is empty
 */
public record BagOfWords(String name, CsrMatrix itemWords, int pairs, int distinctPairs, int itemsWithoutWords) {
    public int vocabulary() {
        return itemWords.cols();
    }

    public int numItems() {
        return itemWords.rows();
    }
}
