package dev.mmgcn.model;

import dev.mmgcn.kernels.Kernels;
import dev.mmgcn.layers.ParameterStore;
import dev.mmgcn.storage.Scope;

/**
 * What the models hold alike: their settings, the counts, their parameters, and the backend memory of
 * their data (graphs, features), both freed by {@link #close}.
 */
abstract class ModelBase<C extends ModelConfig> implements RecModel {
    final C config;
    final int numUsers;
    final int numItems;
    final ParameterStore params;
    final Scope dataScope;

    ModelBase(C config, Kernels kernels, int numUsers, int numItems) {
        this.config = config;
        this.numUsers = numUsers;
        this.numItems = numItems;
        this.params = new ParameterStore(kernels);
        this.dataScope = kernels.newScope();
    }

    @Override
    public final String kind() { return config.kind(); }

    @Override
    public final C config() { return config; }

    @Override
    public final int numUsers() { return numUsers; }

    @Override
    public final int numItems() { return numItems; }

    @Override
    public final int dim() { return config.embeddingDim(); }

    @Override
    public final ParameterStore parameters() { return params; }

    @Override
    public void close() {
        params.close();
        dataScope.close();
    }
}
