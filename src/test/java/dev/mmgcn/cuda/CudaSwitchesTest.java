package dev.mmgcn.cuda;

import dev.mmgcn.kernels.Kernels;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The switch that keeps issue 14's unverified CUDA code off by default, and the bookkeeping that makes
 * "off" mean the verified behaviour: no fused module loaded, every fused method going to the Kernels
 * default. Runs without a GPU.
 */
class CudaSwitchesTest {

    @Test
    void valuesParseToOnOffOrUnset() {
        for (String on : List.of("1", "true", "on", "yes", " ON ", "True")) {
            assertEquals(Boolean.TRUE, CudaSwitches.parse("X", on), on);
        }
        for (String off : List.of("0", "false", "off", "no", "OFF", " 0\n")) {
            assertEquals(Boolean.FALSE, CudaSwitches.parse("X", off), off);
        }
        assertNull(CudaSwitches.parse("X", null));
        assertNull(CudaSwitches.parse("X", "  "));
    }

    @Test
    void aBadValueNamesTheSettingAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fused("maybe", null, false));
        assertEquals("-Dmmgcn.cuda.fused=maybe: expected on or off (1/true/on/yes or 0/false/off/no)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> fused(null, "2", false));
        assertTrue(e.getMessage().startsWith("MMGCN_CUDA_FUSED=2:"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void thePropertyWinsOverTheEnvironmentAndBothOverTheDefault() {
        assertTrue(fused("on", "off", false));
        assertFalse(fused("off", "on", true));
        assertTrue(fused(null, "1", false));
        assertTrue(fused("", "1", false), "a blank property counts as unset");
        assertFalse(fused(null, null, false));
        assertTrue(fused(null, null, true));
    }

    private static boolean fused(String property, String env, boolean fallback) {
        return CudaSwitches.resolve(CudaSwitches.FUSED_PROPERTY, property, CudaSwitches.FUSED_ENV, env, fallback);
    }

    @Test
    void graphsAreNamedByTheirOwnSettingAndNeedTheFusedPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaSwitches.resolve(
                CudaSwitches.GRAPHS_PROPERTY, null, CudaSwitches.GRAPHS_ENV, "sometimes", false));
        assertTrue(e.getMessage().startsWith("MMGCN_CUDA_GRAPHS=sometimes:"), e.getMessage());
        CudaSwitches.requireCompatible(true, true);
        CudaSwitches.requireCompatible(true, false);
        CudaSwitches.requireCompatible(false, false);
        e = assertThrows(IllegalArgumentException.class, () -> CudaSwitches.requireCompatible(false, true));
        assertTrue(e.getMessage().startsWith("mmgcn.cuda.graphs is on but mmgcn.cuda.fused is off"), e.getMessage());
        assertFalse(CudaSwitches.GRAPHS_DEFAULT, "graphs stay off until a device run has passed with them");
    }

    @Test
    void theFusedPathIsOffUntilADeviceRunHasPassed() {
        assertFalse(CudaSwitches.FUSED_DEFAULT, "flip only after native/device-check.sh's fused step passes on a GPU (native/README.md)");
    }

    @Test
    void withTheSwitchOffOnlyTheVerifiedModulesLoad() {
        List<String> off = Arrays.asList(Kernel.modules(false));
        List<String> on = Arrays.asList(Kernel.modules(true));
        assertEquals(Arrays.asList(Kernel.MODULES), off);
        assertFalse(off.contains("fused"));
        assertEquals(off, on.subList(0, off.size()), "the verified modules load first, in the same order");
        assertEquals(List.of("fused"), on.subList(off.size(), on.size()));
        // every kernel lives in a module that one of the two lists loads, and only fused ones in fused modules
        for (Kernel k : Kernel.values()) {
            assertTrue(on.contains(k.module), k + " is in module " + k.module + ", which nothing loads");
        }
        Set<String> fusedKernels = new TreeSet<>();
        for (Kernel k : Kernel.values()) if (k.module.equals("fused")) fusedKernels.add(k.entry);
        assertEquals(Set.of("add_f32", "bias_leaky_relu", "bias_leaky_relu_bwd", "gather_sum_squares_partial",
                "gather_sum_squares_final", "gather_sum_squares_bwd", "adam_step_dev"), fusedKernels);
    }

    /**
     * Every optional method of Kernels that the switch is meant to cover is overridden by CudaKernels (so
     * "on" reaches the fused code), and the ones left to the default are exactly those still to do.
     */
    @Test
    void cudaOverridesEveryOptionalMethodOfKernels() throws NoSuchMethodException {
        Set<String> inherited = new TreeSet<>(); // getMethods() has no fixed order
        for (Method m : Kernels.class.getMethods()) {
            if (!m.isDefault() || Modifier.isStatic(m.getModifiers())) continue;
            Method impl = CudaKernels.class.getMethod(m.getName(), m.getParameterTypes());
            if (impl.getDeclaringClass() != CudaKernels.class) inherited.add(m.getName());
        }
        assertEquals(Set.of(), inherited, "Kernels defaults CudaKernels does not override");
    }
}
