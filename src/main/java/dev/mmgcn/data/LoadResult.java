package dev.mmgcn.data;

import java.util.List;

/**
 * What a loader returns: the dataset, any bag-of-words text modalities (which have no dense
 * feature matrix and so are not {@link Modality}s of the dataset), and the report of what it
 * noticed. Closing it closes the dataset, whose scope also holds the bag-of-words matrices.
 */
public record LoadResult(Dataset dataset, List<BagOfWords> wordModalities, LoadReport report) implements AutoCloseable {
    public LoadResult {
        wordModalities = List.copyOf(wordModalities);
    }

    @Override
    public void close() {
        dataset.close();
    }
}
