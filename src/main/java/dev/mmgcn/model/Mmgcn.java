package dev.mmgcn.model;

import dev.mmgcn.data.BagOfWords;
import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.GraphConvLayer;
import dev.mmgcn.layers.Linear;
import dev.mmgcn.model.MmgcnConfig.Fusion;
import dev.mmgcn.layers.Init;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * MMGCN (Wei et al., MM 2019): one graph-convolution branch per modality over the shared user–item
 * graph, fused into one representation R; score(u, i) = ⟨R_u, R_i⟩.
 *
 * <p>Unlike the public PyTorch code, the user preference vectors and the id embeddings are
 * parameters the optimiser updates, and the layer count is a setting.
 *
 * <p>A bag-of-words modality (the original TikTok/Kwai text: word ids per item) has a learned
 * word-embedding table W (vocabulary × {@code wordDim}, Glorot normal as the public code's
 * commented-out {@code word_embedding}); its item features are the mean of the item's word
 * embeddings, {@code bag · W} with the bag's 1/count values, recomputed every step and trained with
 * the rest. An item without words gets a zero feature row.
 */
public final class Mmgcn extends ModelBase<MmgcnConfig> {
    private final CsrMatrix graph;
    private final Var idEmbedding;
    private final List<Branch> branches = new ArrayList<>();

    /**
     * One modality's branch: either constant features or a bag of words with its word table,
     * optionally projected, then user preferences and layers.
     */
    private record Branch(String name, Var features, CsrMatrix bag, Var words, Linear projection, Var preference,
                          List<GraphConvLayer> layers) {
        Var itemFeatures(Tape tape) {
            return bag == null ? features : tape.spmm(bag, words);
        }
    }

    public Mmgcn(MmgcnConfig config, Kernels kernels, int numUsers, int numItems, List<Modality> modalities,
                 Interactions train, long seed) {
        this(config, kernels, numUsers, numItems, modalities, List.of(), train, seed);
    }

    /**
     * @param modalities     host feature tensors, one row per item
     * @param wordModalities bag-of-words modalities (item × vocabulary CSRs on the host)
     * @param train          training interactions: the graph's edges
     */
    public Mmgcn(MmgcnConfig config, Kernels kernels, int numUsers, int numItems, List<Modality> modalities,
                 List<BagOfWords> wordModalities, Interactions train, long seed) {
        if (modalities.isEmpty() && wordModalities.isEmpty()) throw new IllegalArgumentException("MMGCN needs at least one modality");
        super(config, kernels, numUsers, numItems);
        SplittableRandom rng = new SplittableRandom(seed);

        GraphBuilder.Weights weights = config.aggregation() == Aggregation.MEAN ? GraphBuilder.Weights.MEAN : GraphBuilder.Weights.ONES;
        this.graph = Graphs.upload(kernels, dataScope, host -> GraphBuilder.bipartite(host, numUsers, numItems, train, weights));

        int n = numUsers + numItems;
        int d = config.embeddingDim();
        this.idEmbedding = config.idEmbedding() ? params.create("id_embedding", n, d, t -> Init.xavierNormal(t, rng)) : null;
        for (Modality m : modalities) {
            if (m.features().rows() != numItems) {
                throw new IllegalArgumentException("modality " + m.name() + " has " + m.features().rows() + " rows for " + numItems + " items");
            }
            Tensor feats = dataScope.floats(numItems, m.dim());
            kernels.upload(m.features(), feats);
            addBranch(m.name(), m.dim(), Var.constant(m.name() + ".features", feats), null, null, rng);
        }
        for (BagOfWords b : wordModalities) {
            if (b.numItems() != numItems) {
                throw new IllegalArgumentException("word modality " + b.name() + " has " + b.numItems() + " rows for " + numItems + " items");
            }
            CsrMatrix bag = Graphs.upload(kernels, dataScope, host -> Graphs.copy(host, b.itemWords()));
            Var words = params.create(b.name() + ".word_embedding", b.vocabulary(), config.wordDim(), t -> Init.xavierNormal(t, rng));
            addBranch(b.name(), config.wordDim(), null, bag, words, rng);
        }
    }

    private void addBranch(String p, int dim, Var features, CsrMatrix bag, Var words, SplittableRandom rng) {
        int d = config.embeddingDim();
        Linear projection = dim > config.latentDim() ? new Linear(params, p + ".projection", dim, config.latentDim(), true, rng) : null;
        int width = projection == null ? dim : config.latentDim();
        Var preference = params.create(p + ".preference", numUsers, width, t -> Init.xavierNormal(t, rng));
        List<GraphConvLayer> layers = new ArrayList<>();
        for (int l = 0; l < config.layers(); l++) {
            boolean signed = config.signedOutput() && l == config.layers() - 1;
            layers.add(new GraphConvLayer(params, p + ".layer" + (l + 1), l == 0 ? width : d, d,
                    config.aggregation(), config.combination(), config.slope(), !signed, rng));
        }
        branches.add(new Branch(p, features, bag, words, projection, preference, layers));
    }

    /** The fused representation R: rows 0..U−1 are users, rows U..U+I−1 items. */
    @Override
    public Var forward(Tape tape) {
        return forward(tape, null);
    }

    /** A training step needs R at the batch's rows only: the last layer of every branch runs on those. */
    @Override
    public boolean forwardsRows() {
        return true;
    }

    @Override
    public Var forwardRows(Tape tape, IntTensor rows) {
        return forward(tape, java.util.Objects.requireNonNull(rows, "rows"));
    }

    /** R, or R at {@code rows} when they are given (the last layer on those rows alone). */
    private Var forward(Tape tape, IntTensor rows) {
        // the id embedding at the rows, gathered once for every branch's last layer
        Var idRows = rows == null || idEmbedding == null ? null : tape.gather(idEmbedding, rows);
        List<Var> outputs = new ArrayList<>(branches.size());
        for (Branch b : branches) {
            Var raw = b.itemFeatures(tape);
            Var items = b.projection() == null ? raw : b.projection().forward(tape, raw);
            Var x = tape.l2NormalizeRows(tape.concatRows(b.preference(), items), 1e-12f);
            List<GraphConvLayer> layers = b.layers();
            int last = layers.size() - 1;
            for (int l = 0; l < last; l++) x = layers.get(l).forward(tape, x, graph, idEmbedding);
            x = rows == null ? layers.get(last).forward(tape, x, graph, idEmbedding)
                    : layers.get(last).forwardRows(tape, x, graph, idRows, rows);
            outputs.add(x);
        }
        return config.fusion() == Fusion.MEAN ? tape.mean(outputs) : tape.sum(outputs);
    }

    public CsrMatrix graph() { return graph; }

    /** The id embedding table, or null when the configuration has none. */
    public Var idEmbedding() { return idEmbedding; }

    /** Each modality's user-preference table, for the regulariser. */
    public List<Var> preferences() {
        return branches.stream().map(Branch::preference).toList();
    }

    /** The id embeddings of the batch's users, positives and negatives, and each modality's preferences of its users. */
    @Override
    public List<Regularised> regularised() {
        List<Regularised> out = new ArrayList<>();
        if (idEmbedding != null) out.add(new Regularised(idEmbedding, Regularised.Rows.NODES));
        for (Branch b : branches) out.add(new Regularised(b.preference(), Regularised.Rows.USERS));
        return out;
    }

    public List<String> modalityNames() {
        return branches.stream().map(Branch::name).toList();
    }

    @Override
    public String describe() {
        MmgcnConfig c = config;
        List<String> words = branches.stream().filter(b -> b.bag() != null)
                .map(b -> b.name() + " (" + b.bag().cols() + " words → learned " + c.wordDim() + "-wide embeddings, item mean)").toList();
        return String.format(Locale.ROOT, "MMGCN %d layers, width %d, %s aggregation, %s combination, %s fusion, id embedding %s%s%s; %,d parameters",
                c.layers(), c.embeddingDim(), lower(c.aggregation()), lower(c.combination()), lower(c.fusion()),
                c.idEmbedding() ? "on" : "off", c.signedOutput() ? ", signed output (no LeakyReLU on the last combination)" : "",
                words.isEmpty() ? "" : "; word-bag modalities " + String.join(", ", words),
                params.count());
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
