package dev.mmgcn.model;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.layers.Init;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * FREEDOM (Zhou &amp; Shen, "A Tale of Two Graphs: Freezing and Denoising Graph Structures for
 * Multimodal Recommendation", ACM MM 2023), after the authors' {@code src/models/freedom.py}
 * (enoche/FREEDOM, the same file in enoche/MMRec):
 * <pre>
 *   E⁰ = [E_user ; E_item]                                 id embeddings, Glorot uniform
 *   R_lgcn = mean(E⁰, Â'E⁰, …, Â'^L E⁰)                     LightGCN over the user–item graph Â'
 *   h = S^{L_mm} E_item                                    S: the frozen item–item kNN graph ({@link ItemKnn})
 *   R = R_lgcn + [0 ; h]                                   ({@code forward}: i_g_embeddings + h)
 *   loss = BPR(R) + λ · Σ_m BPR(R_u, P_m(F_m)_pos, P_m(F_m)_neg)      ({@code calculate_loss})
 * </pre>
 * In training Â' is the symmetric-normalised graph of the edges kept by this epoch's degree-sensitive
 * pruning ({@link EdgePruning}, renormalised over the kept edges as {@code _normalize_adj_m} does); in
 * evaluation it is the full training graph. F_m are the modality's features, trainable from their
 * given values ({@code nn.Embedding.from_pretrained(..., freeze=False)}), and P_m a linear layer to
 * the embedding width with PyTorch's default initialisation. The kNN graph is built once, from the
 * features as given.
 *
 * <p>Where this differs: the reference has no L2 penalty on the id embeddings (the trainer's
 * {@code --reg} covers the batch rows of both tables, default 0 for this model); its BPR is
 * −log(σ(x) + 1e−10), here the exact softplus; with λ = 0 the feature tables and projections are not
 * created (they would receive no gradient); a modality's graph weight generalises the reference's
 * two-modality {@code mm_image_weight} ({@link FreedomConfig#resolveKnnWeights}).
 */
public final class Freedom extends ModelBase<FreedomConfig> {
    private final Kernels kernels;
    private final CsrMatrix fullGraph;
    private final CsrMatrix itemGraph;
    private final EdgePruning pruning;
    private final Var users;
    private final Var items;
    private final Var zeroUsers;
    private final List<FeatureBranch> features = new ArrayList<>();
    private final Map<String, Float> knnWeights;
    private final double knnSeconds;
    private Scope epochScope;
    private CsrMatrix trainGraph;
    private int trainGraphEpoch;

    /** A modality's trainable features and their projection for the feature loss. */
    private record FeatureBranch(String name, Var features, Var weight, Var bias) {
    }

    /** @param modalities host feature tensors, one row per item; at least one */
    public Freedom(FreedomConfig config, Kernels kernels, int numUsers, int numItems, List<Modality> modalities,
                   Interactions train, long seed) {
        if (modalities.isEmpty()) throw new IllegalArgumentException("FREEDOM needs at least one dense feature modality for its item–item graph");
        super(config, kernels, numUsers, numItems);
        this.kernels = kernels;
        SplittableRandom rng = new SplittableRandom(seed);
        int d = config.embeddingDim();
        this.users = params.create("user_embedding", numUsers, d, t -> Init.xavierUniform(t, rng));
        this.items = params.create("item_id_embedding", numItems, d, t -> Init.xavierUniform(t, rng));

        try {
            this.knnWeights = config.resolveKnnWeights(modalities.stream().map(Modality::name).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the item-graph weights " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        List<int[][]> neighbours = new ArrayList<>();
        float[] w = new float[modalities.size()];
        for (int m = 0; m < modalities.size(); m++) {
            Modality mod = modalities.get(m);
            if (mod.features().rows() != numItems) {
                throw new IllegalArgumentException("modality " + mod.name() + " has " + mod.features().rows() + " rows for " + numItems + " items");
            }
            neighbours.add(ItemKnn.neighbours(kernels, mod.features(), config.knnK(), ItemKnn.BLOCK_FLOATS));
            w[m] = knnWeights.get(mod.name());
        }
        this.itemGraph = Graphs.upload(kernels, dataScope, host -> ItemKnn.combine(host, numUsers, numItems, neighbours, w));
        this.knnSeconds = (System.nanoTime() - t0) / 1e9;

        Interactions edges = train.distinct(numItems);
        int[] eu = edges.users(), ei = edges.items();
        this.pruning = new EdgePruning(numUsers, numItems, eu, ei);
        this.fullGraph = Graphs.upload(kernels, dataScope, host -> GraphBuilder.symmetric(host, numUsers, numItems, eu, ei));
        this.trainGraph = fullGraph;
        this.zeroUsers = config.itemLayers() == 0 ? Var.constant("zero_users", dataScope.floats(numUsers, d)) : null;

        if (config.featureWeight() > 0) {
            for (Modality mod : modalities) {
                int f = mod.dim();
                Var feats = params.create(mod.name() + ".features", numItems, f, t -> t.copyFrom(mod.features().toArray()));
                Var weight = params.create(mod.name() + ".projection.weight", f, config.embeddingDim(), t -> Init.uniformFanIn(t, f, rng));
                Var bias = params.create(mod.name() + ".projection.bias", 1, config.embeddingDim(), t -> Init.uniformFanIn(t, f, rng));
                features.add(new FeatureBranch(mod.name(), feats, weight, bias));
            }
        }
    }

    /**
     * Prunes the user–item graph for {@code epoch}: the kept edges depend on (seed, epoch) only. With
     * dropout 0 the full graph is used.
     */
    @Override
    public void startEpoch(int epoch, long seed) {
        if (config.dropout() <= 0) return;
        int[] keep = pruning.keep(config.dropout(), seed, epoch);
        int[] u = new int[keep.length], i = new int[keep.length];
        for (int t = 0; t < keep.length; t++) {
            u[t] = pruning.user(keep[t]);
            i[t] = pruning.item(keep[t]);
        }
        Scope next = kernels.newScope();
        try {
            trainGraph = Graphs.upload(kernels, next, host -> GraphBuilder.symmetric(host, numUsers, numItems, u, i));
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        if (epochScope != null) epochScope.close();
        epochScope = next;
        trainGraphEpoch = epoch;
    }

    /** The epoch whose pruned graph {@link #forward} uses (0 before any pruning). */
    @Override
    public int graphVersion() {
        return trainGraphEpoch;
    }

    @Override
    public Var forward(Tape tape) {
        return represent(tape, trainGraph);
    }

    @Override
    public Var inferenceForward(Tape tape) {
        return represent(tape, fullGraph);
    }

    private Var represent(Tape tape, CsrMatrix uiGraph) {
        Var e0 = tape.concatRows(users, items);
        Var lightgcn = LightGcn.propagate(tape, e0, uiGraph, config.uiLayers());
        Var h;
        if (config.itemLayers() == 0) {
            h = tape.concatRows(zeroUsers, items);
        } else {
            // the item graph has empty user rows, so S·E⁰ is [0 ; S_items·E_item]
            h = tape.spmm(itemGraph, e0);
            for (int l = 1; l < config.itemLayers(); l++) h = tape.spmm(itemGraph, h);
        }
        return tape.add(lightgcn, h);
    }

    /** λ · Σ_m BPR(⟨R_u, P_m(F_m[pos])⟩ − ⟨R_u, P_m(F_m[neg])⟩), with R_u from this step's forward. */
    @Override
    public Var extraLoss(Tape tape, Var r, Batch batch) {
        if (features.isEmpty()) return null;
        Var ru = tape.gather(r, batch.users());
        List<Var> terms = new ArrayList<>();
        for (FeatureBranch f : features) {
            Var pos = tape.linear(tape.gather(f.features(), batch.posItems()), f.weight(), f.bias());
            Var neg = tape.linear(tape.gather(f.features(), batch.negItems()), f.weight(), f.bias());
            terms.add(tape.bprLoss(tape.rowDot(ru, pos), tape.rowDot(ru, neg)));
        }
        return tape.scale(tape.sum(terms), config.featureWeight());
    }

    @Override
    public List<Regularised> regularised() {
        return List.of(new Regularised(users, Regularised.Rows.USERS), new Regularised(items, Regularised.Rows.ITEMS));
    }

    public EdgePruning pruning() { return pruning; }

    @Override
    public String describe() {
        StringBuilder w = new StringBuilder();
        knnWeights.forEach((m, x) -> w.append(w.isEmpty() ? "" : ", ").append(m).append(' ').append(x));
        return String.format(Locale.ROOT, "FREEDOM: LightGCN %d layers, width %d, on the user–item graph with %.0f%% of its %,d edges "
                        + "pruned each epoch (degree-sensitive); + %d propagation(s) over a frozen item–item %d-NN graph (%s; %,d entries, "
                        + "built in %.2f s); feature BPR weight %s%s; %,d parameters",
                config.uiLayers(), config.embeddingDim(), 100 * config.dropout(), pruning.edges(), config.itemLayers(), config.knnK(),
                w, itemGraph.nnz(), knnSeconds, config.featureWeight(),
                features.isEmpty() ? "" : " (projection to " + config.embeddingDim() + ")", params.count());
    }

    @Override
    public void close() {
        super.close();
        if (epochScope != null) epochScope.close();
    }
}
