package dev.mmgcn.model;

import dev.mmgcn.layers.Init;
import dev.mmgcn.storage.Tensor;

import java.util.random.RandomGenerator;

/** Starting values of id-embedding tables. */
final class Embeddings {
    private Embeddings() {
    }

    static void init(Tensor t, LightGcnConfig.EmbeddingInit init, RandomGenerator rng) {
        switch (init) {
            case XAVIER -> Init.xavierUniform(t, rng);
            case NORMAL -> Init.normal(t, 0.1, rng);
        }
    }
}
