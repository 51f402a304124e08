package dev.mmgcn.layers;

/** How a graph-convolution layer combines a node's neighbours: 1/deg-weighted sum, row-wise max, or plain sum. */
public enum Aggregation { MEAN, MAX, SUM }
