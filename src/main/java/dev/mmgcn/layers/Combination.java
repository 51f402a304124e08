package dev.mmgcn.layers;

/** How a graph-convolution layer combines aggregated neighbours with the node's own representation. */
public enum Combination {
    /** [H ‖ X^]·W3 + b3 */
    CONCAT,
    /** H·W3 + b3 + X^ */
    ELEMENT
}
