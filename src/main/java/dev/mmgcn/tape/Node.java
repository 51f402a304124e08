package dev.mmgcn.tape;

import dev.mmgcn.storage.CsrMatrix;
import dev.mmgcn.storage.IntTensor;
import dev.mmgcn.storage.Tensor;

/**
 * One recorded primitive. Nodes are pooled by tape position and refilled every step, so the fields
 * are a union over all ops; each {@link Op} documents which it uses.
 */
final class Node {
    Op op;
    Var a;
    Var b;
    Var c;
    /** Fourth and fifth inputs of the fused linear node: its weight and an optional addend. */
    Var d;
    Var e;
    /** Multi-input nodes (the row penalty): tables and their index lists, parallel arrays. */
    Var[] vars;
    IntTensor[] indices;
    Var out;
    CsrMatrix csr;
    IntTensor index;
    /** Per-node workspace that survives between forward and backward (argmax, row norms). */
    IntTensor intAux;
    Tensor aux;
    float f;

    void clearInputs() {
        a = b = c = d = e = null;
        vars = null;
        indices = null;
        csr = null;
        index = null;
    }
}
