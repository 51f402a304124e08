package dev.mmgcn.model;

import dev.mmgcn.data.GraphBuilder;
import dev.mmgcn.data.Interactions;
import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.tape.Tape;
import dev.mmgcn.tape.Var;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * LightGCN (He et al., SIGIR 2020): id embeddings only, propagated over the user–item graph with
 * symmetric normalisation Â = D^−½ A D^−½ and no transforms or nonlinearities; the representation is
 * the mean of the layer outputs:
 * <pre>
 *   E⁰ = [E_user ; E_item],   Eˡ⁺¹ = Â Eˡ,   R = (E⁰ + E¹ + … + E^L) / (L + 1)
 * </pre>
 * Follows MMRec's {@code models/lightgcn.py} ({@code get_norm_adj_mat}, {@code forward}); the L2
 * penalty is on the batch's layer-0 rows as there, but squared ({@code reg · Σ‖e‖² / batch}, the
 * paper's λ‖E⁰‖²) where MMRec's {@code EmbLoss} takes unsquared norms.
 */
public final class LightGcn extends ModelBase<LightGcnConfig> {
    private final CsrMatrix graph;
    private final Var users;
    private final Var items;

    public LightGcn(LightGcnConfig config, Kernels kernels, int numUsers, int numItems, Interactions train, long seed) {
        super(config, kernels, numUsers, numItems);
        SplittableRandom rng = new SplittableRandom(seed);
        this.graph = Graphs.upload(kernels, dataScope,
                host -> GraphBuilder.bipartite(host, numUsers, numItems, train, GraphBuilder.Weights.SYMMETRIC));
        int d = config.embeddingDim();
        this.users = params.create("user_embedding", numUsers, d, t -> Embeddings.init(t, config.init(), rng));
        this.items = params.create("item_embedding", numItems, d, t -> Embeddings.init(t, config.init(), rng));
    }

    @Override
    public Var forward(Tape tape) {
        return propagate(tape, tape.concatRows(users, items), graph, config.layers());
    }

    /** (E⁰ + ÂE⁰ + … + Â^L E⁰) / (L + 1). */
    static Var propagate(Tape tape, Var e0, CsrMatrix graph, int layers) {
        Var sum = e0;
        Var e = e0;
        for (int l = 0; l < layers; l++) {
            e = tape.spmm(graph, e);
            sum = tape.add(sum, e);
        }
        return layers == 0 ? sum : tape.scale(sum, 1f / (layers + 1));
    }

    @Override
    public List<Regularised> regularised() {
        return List.of(new Regularised(users, Regularised.Rows.USERS), new Regularised(items, Regularised.Rows.ITEMS));
    }

    public CsrMatrix graph() { return graph; }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "LightGCN %d layers, width %d, symmetric normalisation, layer mean, %s init; %,d parameters",
                config.layers(), config.embeddingDim(), Mmgcn.lower(config.init()), params.count());
    }
}
