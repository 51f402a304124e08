package dev.mmgcn.cuda;

import java.util.Locale;

/**
 * Switches for CUDA code that compiles and is reviewed but has not yet run on a GPU. Each is OFF by
 * default, so the backend keeps its verified behaviour (the {@code Kernels} defaults built from the
 * primitives) until {@code native/device-check.sh} passes with the switch on; see native/README.md for
 * how to flip a default afterwards.
 *
 * <ul>
 *   <li>{@value #FUSED_PROPERTY} (or the environment variable {@value #FUSED_ENV}): the fused kernels,
 *       Adam with the step count read on the device, {@code copy(IntTensor, IntTensor)} as one
 *       {@code cuMemcpyDtoDAsync}, and {@code clock()} on CUDA events.</li>
 *   <li>{@value #GRAPHS_PROPERTY} (or {@value #GRAPHS_ENV}; on the command line {@code --cuda-graphs on|off},
 *       which sets the property while the backend opens): {@code replayable} regions recorded as CUDA
 *       graphs on their second run and replayed with {@code cuGraphLaunch} ({@link GraphRecorder}). Needs
 *       the fused switch: without it Adam reads its step count with a host synchronisation, which a
 *       capture forbids.</li>
 * </ul>
 *
 * <p>The system property wins over the environment variable. Accepted values: {@code 1, true, on, yes}
 * and {@code 0, false, off, no} (any case, surrounding blanks ignored, empty = unset); anything else is
 * an error naming the setting, raised when the backend opens, before any work. Graphs given explicitly
 * must work (else the backend does not open); by default they are on only where a probe capture works
 * ({@link GraphSetup}).
 */
public final class CudaSwitches {
    public static final String FUSED_PROPERTY = "mmgcn.cuda.fused";
    public static final String FUSED_ENV = "MMGCN_CUDA_FUSED";
    /** The default until a device run has verified the fused path. */
    static final boolean FUSED_DEFAULT = false;
    public static final String GRAPHS_PROPERTY = "mmgcn.cuda.graphs";
    public static final String GRAPHS_ENV = "MMGCN_CUDA_GRAPHS";
    static final boolean GRAPHS_DEFAULT = false;

    private CudaSwitches() {
    }

    /** Whether the fused CUDA path is on in this JVM. */
    public static boolean fused() {
        return resolve(FUSED_PROPERTY, System.getProperty(FUSED_PROPERTY), FUSED_ENV, System.getenv(FUSED_ENV), FUSED_DEFAULT);
    }

    /** Whether replayable regions are recorded as CUDA graphs in this JVM. */
    public static boolean graphs() {
        return resolve(GRAPHS_PROPERTY, System.getProperty(GRAPHS_PROPERTY), GRAPHS_ENV, System.getenv(GRAPHS_ENV), GRAPHS_DEFAULT);
    }

    /** The graphs setting if the property or the environment gives one (on or off), else null: the default applies. */
    static Boolean graphsGiven() {
        Boolean p = parse("-D" + GRAPHS_PROPERTY, System.getProperty(GRAPHS_PROPERTY));
        return p != null ? p : parse(GRAPHS_ENV, System.getenv(GRAPHS_ENV));
    }

    /** Graphs need the fused path; throws the one-line reason otherwise. */
    static void requireCompatible(boolean fused, boolean graphs) {
        if (graphs && !fused) {
            throw new IllegalArgumentException(GRAPHS_PROPERTY + " is on but " + FUSED_PROPERTY + " is off: a CUDA graph cannot"
                    + " capture the host synchronisation the unfused Adam step makes every step; turn both on or graphs off");
        }
    }

    /** The property's value if set, else the environment's, else {@code fallback}. */
    static boolean resolve(String propertyName, String property, String envName, String env, boolean fallback) {
        Boolean p = parse("-D" + propertyName, property);
        if (p != null) return p;
        Boolean e = parse(envName, env);
        return e != null ? e : fallback;
    }

    /** null when unset or blank; throws naming {@code what} for a value that is neither on nor off. */
    static Boolean parse(String what, String value) {
        if (value == null) return null;
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> null;
            case "1", "true", "on", "yes" -> Boolean.TRUE;
            case "0", "false", "off", "no" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException(what + "=" + value.strip()
                    + ": expected on or off (1/true/on/yes or 0/false/off/no)");
        };
    }
}
