package dev.mmgcn.cli;

import dev.mmgcn.model.MmgcnConfig;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.Combination;
import dev.mmgcn.model.MmgcnConfig.Fusion;

import java.util.Properties;

/** Architecture options, and their round trip through a checkpoint header ("model.*" keys). */
final class ModelOptions {
    private ModelOptions() {
    }

    static Args declare(Args a) {
        MmgcnConfig d = MmgcnConfig.defaults();
        return a.option("dim", "N", "embedding and layer width (default " + d.embeddingDim() + ")")
                .option("latent", "N", "project features wider than N to N first (default " + d.latentDim() + ")")
                .option("layers", "N", "graph-convolution layers per modality (default " + d.layers() + ")")
                .option("aggregation", "AGG", "mean | max | sum (default mean)")
                .option("combination", "COMB", "concat | element (default concat)")
                .option("fusion", "FUSE", "mean | sum over modalities (default mean)")
                .flag("no-id-embedding", "leave out the learned id embedding");
    }

    static MmgcnConfig parse(Args a) {
        MmgcnConfig d = MmgcnConfig.defaults();
        try {
            return new MmgcnConfig(a.getInt("dim", d.embeddingDim()), a.getInt("latent", d.latentDim()),
                    a.getInt("layers", d.layers()), a.getEnum("aggregation", Aggregation.class, d.aggregation()),
                    a.getEnum("combination", Combination.class, d.combination()), a.getEnum("fusion", Fusion.class, d.fusion()),
                    !a.flag("no-id-embedding"), d.slope());
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    static void record(MmgcnConfig c, Properties p) {
        p.setProperty("model.dim", Integer.toString(c.embeddingDim()));
        p.setProperty("model.latent", Integer.toString(c.latentDim()));
        p.setProperty("model.layers", Integer.toString(c.layers()));
        p.setProperty("model.aggregation", c.aggregation().name());
        p.setProperty("model.combination", c.combination().name());
        p.setProperty("model.fusion", c.fusion().name());
        p.setProperty("model.id_embedding", Boolean.toString(c.idEmbedding()));
        p.setProperty("model.slope", Float.toString(c.slope()));
    }

    static MmgcnConfig fromHeader(Properties p) {
        return new MmgcnConfig(Integer.parseInt(p.getProperty("model.dim")), Integer.parseInt(p.getProperty("model.latent")),
                Integer.parseInt(p.getProperty("model.layers")), Aggregation.valueOf(p.getProperty("model.aggregation")),
                Combination.valueOf(p.getProperty("model.combination")), Fusion.valueOf(p.getProperty("model.fusion")),
                Boolean.parseBoolean(p.getProperty("model.id_embedding")), Float.parseFloat(p.getProperty("model.slope")));
    }
}
