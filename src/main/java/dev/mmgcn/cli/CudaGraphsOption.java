package dev.mmgcn.cli;

import dev.mmgcn.kernels.Kernels;

import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code --cuda-graphs on|off} of {@code train} and {@code bench}: whether the CUDA backend records the
 * replayable training step as a CUDA graph and replays it. Observational, like {@code --profile}: results
 * equal without it within float noise, so it is not a setting — not in config.json's settings, not
 * replayed by {@code --config}, free to change on {@code --resume}. What the run got is recorded with the
 * backend (config.json's backend description: {@code cuda (fused path and graphs on)}).
 *
 * <p>Not given: the backend's default (today off until a device run has verified graphs; once flipped,
 * on only where a probe capture works, else off with a one-line note naming the call that refused, printed
 * as {@code note: CUDA graphs off: …}). {@code on} for a CPU device ({@code --device cpu|scalar|vector}, or
 * {@code bench} without cuda among its backends) is refused: nothing could honour it, and a user who asks
 * for graphs expects a GPU run. With {@code --device auto} falling back to the CPU it is ignored with a note.
 * The backend reads the setting as the system property {@value #PROPERTY} (the CUDA switches), which is
 * set only while the backend opens.
 */
final class CudaGraphsOption {
    /** The option itself, declared once for both commands ({@code @Mixin}). */
    @Option(names = "--cuda-graphs", paramLabel = "on|off", order = 8, description = CudaGraphsOption.DESCRIPTION)
    String value;

    /** {@code CudaSwitches.GRAPHS_PROPERTY}: the command line does not depend on the cuda package. */
    static final String PROPERTY = "mmgcn.cuda.graphs";
    static final String DESCRIPTION = "on|off: record the CUDA training step as a CUDA graph and replay it (default: the backend's, "
            + "off until verified on a device; where capture fails, off with a note). Needs --device cuda; observational: not a setting";

    /** The option as given: null when not given, else on/off; a usage error for anything else. */
    Boolean parsed() {
        return parse(value);
    }

    /** null when not given, else on/off; a usage error for anything else. */
    static Boolean parse(String value) {
        if (value == null) return null;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> Boolean.TRUE;
            case "off" -> Boolean.FALSE;
            default -> throw Failure.usage("--cuda-graphs " + value + ": expected on or off");
        };
    }

    /** {@code on} for a device that cannot be CUDA is refused; {@code where} names it (e.g. "--device cpu"). */
    static void requireCuda(Boolean graphs, boolean cudaPossible, String where) {
        if (Boolean.TRUE.equals(graphs) && !cudaPossible) {
            throw Failure.usage("--cuda-graphs on needs the CUDA backend, and this run uses " + where
                    + " (give --device cuda, or leave --cuda-graphs out)");
        }
    }

    /** {@link Backend#open} with {@code graphs} in effect for a CUDA backend; the property is restored afterwards. */
    static Kernels open(String flag, String device, Integer threads, Boolean graphs) {
        if (graphs == null) return Backend.open(flag, device, threads);
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, graphs ? "on" : "off");
        try {
            return Backend.open(flag, device, threads);
        } finally {
            if (before == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, before);
        }
    }

    /** The one line to print about graphs for this backend, or "" (the CUDA backend's own note is read by name). */
    static String note(Kernels k, Boolean graphs) {
        if (!k.name().equals("cuda")) {
            return Boolean.TRUE.equals(graphs) ? "--cuda-graphs on ignored: no usable GPU, the run uses " + k.name() : "";
        }
        try {
            Object note = k.getClass().getMethod("graphsNote").invoke(k);
            return note instanceof String s ? s : "";
        } catch (ReflectiveOperationException e) {
            return "";
        }
    }
}
