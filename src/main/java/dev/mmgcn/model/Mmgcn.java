package dev.mmgcn.model;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.data.Modality;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.layers.Aggregation;
import dev.mmgcn.layers.GraphConvLayer;
import dev.mmgcn.layers.Linear;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.model.MmgcnConfig.Fusion;
import dev.mmgcn.optim.Init;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.Device;
import dev.mmgcn.storage.HostScope;
import dev.mmgcn.storage.Scope;
import dev.mmgcn.storage.Tensor;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MMGCN (Wei et al., MM 2019): one graph-convolution branch per modality over the shared user–item
 * graph, fused into one representation R; score(u, i) = ⟨R_u, R_i⟩.
 *
 * <p>Unlike the public PyTorch code, the user preference vectors and the id embeddings are
 * parameters the optimiser updates, and the layer count is a setting.
 */
public final class Mmgcn implements AutoCloseable {
    private final MmgcnConfig config;
    private final int numUsers;
    private final int numItems;
    private final ParameterStore params;
    private final Scope dataScope;
    private final CsrMatrix graph;
    private final Var idEmbedding;
    private final List<Branch> branches = new ArrayList<>();

    /** One modality's branch: features (optionally projected), user preferences, and its layers. */
    private record Branch(String name, Var features, Linear projection, Var preference, List<GraphConvLayer> layers) {
    }

    /**
     * @param modalities host feature tensors, one row per item
     * @param train      training interactions: the graph's edges
     */
    public Mmgcn(MmgcnConfig config, Kernels kernels, int numUsers, int numItems, List<Modality> modalities,
                 Interactions train, long seed) {
        if (modalities.isEmpty()) throw new IllegalArgumentException("MMGCN needs at least one modality");
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.params = new ParameterStore(kernels);
        this.dataScope = kernels.newScope();
        SplittableRandom rng = new SplittableRandom(seed);

        GraphBuilder.Weights weights = config.aggregation() == Aggregation.MEAN ? GraphBuilder.Weights.MEAN : GraphBuilder.Weights.ONES;
        if (kernels.device() == Device.HOST) {
            this.graph = kernels.upload(GraphBuilder.bipartite(dataScope, numUsers, numItems, train, weights), dataScope);
        } else {
            // a device backend copies the structure (and its transpose) out, so the host side can go
            try (HostScope host = new HostScope()) {
                this.graph = kernels.upload(GraphBuilder.bipartite(host, numUsers, numItems, train, weights), dataScope);
            }
        }

        int n = numUsers + numItems;
        int d = config.embeddingDim();
        this.idEmbedding = config.idEmbedding() ? params.create("id_embedding", n, d, t -> Init.xavierNormal(t, rng)) : null;
        for (Modality m : modalities) {
            if (m.features().rows() != numItems) {
                throw new IllegalArgumentException("modality " + m.name() + " has " + m.features().rows() + " rows for " + numItems + " items");
            }
            Tensor feats = dataScope.floats(numItems, m.dim());
            kernels.upload(m.features(), feats);
            String p = m.name();
            Linear projection = m.dim() > config.latentDim()
                    ? new Linear(params, p + ".projection", m.dim(), config.latentDim(), true, rng) : null;
            int width = projection == null ? m.dim() : config.latentDim();
            Var preference = params.create(p + ".preference", numUsers, width, t -> Init.xavierNormal(t, rng));
            List<GraphConvLayer> layers = new ArrayList<>();
            for (int l = 0; l < config.layers(); l++) {
                layers.add(new GraphConvLayer(params, p + ".layer" + (l + 1), l == 0 ? width : d, d,
                        config.aggregation(), config.combination(), config.slope(), rng));
            }
            branches.add(new Branch(p, Var.constant(p + ".features", feats), projection, preference, layers));
        }
    }

    /** The fused representation R: rows 0..U−1 are users, rows U..U+I−1 items. */
    public Var forward(Tape tape) {
        List<Var> outputs = new ArrayList<>(branches.size());
        for (Branch b : branches) {
            Var items = b.projection() == null ? b.features() : b.projection().forward(tape, b.features());
            Var x = tape.l2NormalizeRows(tape.concatRows(b.preference(), items), 1e-12f);
            for (GraphConvLayer layer : b.layers()) x = layer.forward(tape, x, graph, idEmbedding);
            outputs.add(x);
        }
        return config.fusion() == Fusion.MEAN ? tape.mean(outputs) : tape.sum(outputs);
    }

    /** Runs the forward pass on {@code tape} (starting a new step) and copies R into {@code out} (N×D). */
    public void computeRepresentation(Tape tape, Tensor out) {
        tape.begin();
        Var r = forward(tape);
        tape.kernels().copyBlock(r.value(), 0, 0, out, 0, 0, r.rows(), r.cols(), false);
    }

    public MmgcnConfig config() { return config; }

    public int numUsers() { return numUsers; }

    public int numItems() { return numItems; }

    public ParameterStore parameters() { return params; }

    public CsrMatrix graph() { return graph; }

    /** The id embedding table, or null when the configuration has none. */
    public Var idEmbedding() { return idEmbedding; }

    /** Each modality's user-preference table, for the regulariser. */
    public List<Var> preferences() {
        return branches.stream().map(Branch::preference).toList();
    }

    public List<String> modalityNames() {
        return branches.stream().map(Branch::name).toList();
    }

    @Override
    public void close() {
        params.close();
        dataScope.close();
    }
}
