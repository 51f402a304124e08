package dev.mmgcn.tape;

import dev.mmgcn.storage.Tensor;

/**
 * A value on the tape and, when it needs one, its gradient. Parameters are long-lived Vars that own a
 * gradient buffer; intermediate Vars belong to a {@link Tape} position and are overwritten by the
 * next step, so callers must not keep them across {@link Tape#begin()}.
 */
public final class Var {
    Tensor value;
    Tensor grad;
    boolean requiresGrad;
    final boolean parameter;
    final String name;
    /** The tape step in which {@link #grad} was last written first; a stale stamp means "no gradient this step". */
    long gradStamp = -1;
    /**
     * How many leading rows of the gradient any parameter depends on: all of them, except where a row
     * block came from a constant ({@link Tape#concatRows} of a trainable block over a constant one, then
     * row-wise ops). Kernels that write this Var's gradient may stop there; the rows below hold nothing
     * anyone reads.
     */
    int gradRows;

    Var(Tensor value, Tensor grad, boolean requiresGrad, boolean parameter, String name) {
        this.value = value;
        this.grad = grad;
        this.requiresGrad = requiresGrad;
        this.parameter = parameter;
        this.name = name;
        this.gradRows = value.rows();
    }

    /** A trainable leaf; {@code grad} is a buffer of the same shape in the same memory as {@code value}. */
    public static Var parameter(String name, Tensor value, Tensor grad) {
        if (!value.sameShape(grad)) {
            throw new IllegalArgumentException("gradient " + grad.shape() + " for parameter " + name + " " + value.shape());
        }
        return new Var(value, grad, true, true, name);
    }

    /** A leaf that takes no gradient: input features, fixed tables. */
    public static Var constant(String name, Tensor value) {
        return new Var(value, null, false, false, name);
    }

    /**
     * Moves a parameter into new buffers of the same shape, e.g. views of one flat buffer that holds
     * every parameter of a model. The caller copies the values over; gradients start anew.
     */
    public void moveTo(Tensor newValue, Tensor newGrad) {
        if (!parameter) throw new IllegalStateException(this + " is not a parameter");
        if (!newValue.sameShape(value) || !newGrad.sameShape(value)) {
            throw new IllegalArgumentException("moving " + this + " into " + newValue.shape() + " / " + newGrad.shape());
        }
        value = newValue;
        grad = newGrad;
        gradStamp = -1;
    }

    public Tensor value() { return value; }

    /** The gradient buffer; meaningful only if {@link Tape#hasGrad} says this step wrote it. */
    public Tensor grad() { return grad; }

    public String name() { return name; }

    public int rows() { return value.rows(); }

    public int cols() { return value.cols(); }

    @Override
    public String toString() {
        return (parameter ? "Parameter " : "Var ") + (name == null ? "" : name + " ") + value.shape();
    }
}
