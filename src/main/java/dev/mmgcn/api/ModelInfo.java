package dev.mmgcn.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a loaded model is.
 *
 * @param file            the checkpoint it was loaded from
 * @param formatVersion   the checkpoint format version
 * @param engineVersion   this library's version ("dev" when run from classes, not a jar)
 * @param users           users the model knows
 * @param items           items it ranks
 * @param dimension       width of the user and item representations
 * @param settings        the model, training and data settings recorded at training time
 * @param dataFingerprint SHA-256 over the training data's contents (see {@code DataFingerprint})
 * @param backend         the kernels that score, e.g. "vector (16 floats per vector, 512-bit)"
 */
public record ModelInfo(Path file, int formatVersion, String engineVersion, int users, int items, int dimension,
                        Map<String, String> settings, String dataFingerprint, String backend) {
    public ModelInfo {
        settings = Map.copyOf(settings);
    }
}
