package dev.mmgcn.cli;

import dev.mmgcn.kernels.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mmgcn.cli.CliTest.assertError;
import static dev.mmgcn.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --cuda-graphs on|off} on train and bench, without a GPU: the value is parsed, {@code on} is refused
 * for a CPU device before anything is read or written, {@code off} is accepted anywhere and is not a setting
 * (config.json's settings do not list it). The CUDA backend's own note (why graphs are off) is GraphSetupTest's.
 */
class CudaGraphsOptionTest {
    @TempDir
    Path dir;

    @Test
    void aValueOtherThanOnOrOffIsAUsageError() {
        assertError(run("train", "--synthetic", "tiny", "--cuda-graphs", "maybe"), 2, "--cuda-graphs maybe: expected on or off");
        assertError(run("bench", "--backends", "scalar", "--cuda-graphs", "1"), 2, "--cuda-graphs 1: expected on or off");
    }

    @Test
    void onIsRefusedForACpuDeviceBeforeAnythingIsWritten() {
        Path out = dir.resolve("run");
        for (String device : new String[] {"cpu", "scalar", "vector"}) {
            assertError(run("train", "--synthetic", "tiny", "--device", device, "--cuda-graphs", "on", "--out", out.toString()), 2,
                    "--cuda-graphs on needs the CUDA backend, and this run uses --device " + device);
            assertFalse(Files.exists(out));
        }
        assertError(run("train", "--synthetic", "tiny", "--cuda-graphs", "on"), 2, "this run uses --device cpu");
        assertError(run("bench", "--backends", "scalar", "--cuda-graphs", "on"), 2,
                "--cuda-graphs on needs the CUDA backend, and this run uses --backends scalar");
    }

    @Test
    void offRunsOnTheCpuAndIsNotASetting() throws IOException {
        Path out = dir.resolve("off");
        CliTest.Outcome o = run("train", "--synthetic", "tiny", "--epochs", "1", "--dim", "8", "--device", "cpu", "--cuda-graphs", "off",
                "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        java.util.Map<String, Object> config = Json.read(Files.readString(out.resolve("config.json")));
        @SuppressWarnings("unchecked") java.util.Map<String, Object> settings = (java.util.Map<String, Object>) config.get("settings");
        assertTrue(settings.containsKey("device"), "settings: " + settings);
        assertFalse(settings.keySet().stream().anyMatch(k -> k.contains("graphs")), "observational, not a setting: " + settings);
        assertFalse(o.err().contains("cuda"), o.err());
    }

    @Test
    void theBackendSeesTheSettingOnlyWhileItOpens() {
        assertNull(System.getProperty(CudaGraphsOption.PROPERTY));
        try (Kernels k = CudaGraphsOption.open("--device", "scalar", null, Boolean.FALSE)) {
            assertEquals("scalar", k.name());
            assertEquals("", CudaGraphsOption.note(k, Boolean.FALSE));
            assertTrue(CudaGraphsOption.note(k, Boolean.TRUE).startsWith("--cuda-graphs on ignored: no usable GPU"));
        }
        assertNull(System.getProperty(CudaGraphsOption.PROPERTY), "restored after the backend opened");
    }
}
