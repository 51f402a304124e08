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
    Var out;
    CsrMatrix csr;
    IntTensor index;
    /** Per-node workspace that survives between forward and backward (argmax, row norms). */
    IntTensor intAux;
    Tensor aux;
    float f;

    void clearInputs() {
        a = b = c = null;
        csr = null;
        index = null;
    }
}
