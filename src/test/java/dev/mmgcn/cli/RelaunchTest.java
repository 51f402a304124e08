package dev.mmgcn.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** When plain `java -jar` starts the JVM again with the Vector API module, and that the child really runs it. */
class RelaunchTest {
    private static final Optional<String> JAVA = Optional.of("/jdk/bin/java");

    private static Relaunch.Self self(boolean present, boolean available, Map<String, String> env) {
        return new Relaunch.Self(present, available, JAVA, List.of("-Xmx2g", "-Dx=y"), "/app/mmgcn-engine.jar", env);
    }

    @Test
    void relaunchesWithTheModuleAndKeepsOptionsAndArguments() {
        List<String> cmd = Relaunch.command(self(false, true, Map.of()), new String[] {"train", "--epochs", "3"}).orElseThrow();
        assertEquals(List.of("/jdk/bin/java", "-Xmx2g", "-Dx=y", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", "/app/mmgcn-engine.jar", "dev.mmgcn.cli.Main",
                "train", "--epochs", "3"), cmd);
    }

    @Test
    void benchVectorBitsGoesToTheChildAsHotSpotSwitches() {
        List<String> cmd = Relaunch.command(self(false, true, Map.of()), new String[] {"bench", "--vector-bits", "256"}).orElseThrow();
        int at = cmd.indexOf("-XX:UseAVX=2");
        assertTrue(at > 0 && cmd.get(at + 1).equals("-XX:MaxVectorSize=32") && at < cmd.indexOf("-cp"), cmd.toString());
        assertEquals(List.of("-XX:MaxVectorSize=16"), Relaunch.vectorFlags(new String[] {"bench", "--backends", "vector", "--vector-bits=128"}));
        assertEquals(List.of(), Relaunch.vectorFlags(new String[] {"bench", "--vector-bits", "native"}));
        assertEquals(List.of(), Relaunch.vectorFlags(new String[] {"train", "--vector-bits", "256"}), "only bench has the option");
    }

    @Test
    void staysWhenThereIsNothingToGainOrItWasAskedNotTo() {
        String[] args = {"info"};
        assertTrue(Relaunch.command(self(true, true, Map.of()), args).isEmpty(), "module already there");
        assertTrue(Relaunch.command(self(false, false, Map.of()), args).isEmpty(), "runtime without the module");
        assertTrue(Relaunch.command(self(false, true, Map.of(Relaunch.GUARD, "1")), args).isEmpty(), "already the child");
        assertTrue(Relaunch.command(self(false, true, Map.of(Relaunch.OPT_OUT, "1")), args).isEmpty(), "opted out");
        assertTrue(Relaunch.command(new Relaunch.Self(false, true, Optional.empty(), List.of(), "/a.jar", Map.of()), args).isEmpty(),
                "unknown java executable");
    }

    @Test
    void onlyCommandsThatRunKernelsAreWorthASecondJvm() {
        for (String[] args : new String[][] {{}, {"--help"}, {"--version"}, {"train", "--help"}, {"evaluate", "-h"},
                {"generate", "--out", "x"}, {"export", "--checkpoint", "c", "--out", "e"}, {"frobnicate"}}) {
            assertTrue(Relaunch.command(self(false, true, Map.of()), args).isEmpty(), String.join(" ", args));
        }
        for (String[] args : new String[][] {{"train"}, {"evaluate", "--checkpoint", "c"}, {"recommend"}, {"serve"}, {"bench"}, {"info"}, {"@args.txt"}}) {
            assertTrue(Relaunch.command(self(false, true, Map.of()), args).isPresent(), String.join(" ", args));
        }
    }

    @Test
    void theRelayDropsOnlyTheJvmsIncubatorWarningAndPassesFramesAsTheyCome() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        String child = Relaunch.INCUBATOR_WARNING + "\nnote: x\r\repoch 1 [==>  ] 3/9\rerror: y\n";
        Relaunch.relay(new java.io.ByteArrayInputStream(child.getBytes(StandardCharsets.UTF_8)), out);
        assertEquals("note: x\r\repoch 1 [==>  ] 3/9\rerror: y\n", out.toString(StandardCharsets.UTF_8));
        out.reset();
        String other = "WARNING: something else\n" + Relaunch.INCUBATOR_WARNING + "\n";
        Relaunch.relay(new java.io.ByteArrayInputStream(other.getBytes(StandardCharsets.UTF_8)), out);
        assertEquals(other, out.toString(StandardCharsets.UTF_8), "only a first line that is the warning is dropped");
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs Main in a fresh JVM started the way plain `java -cp` would: without the Vector API module. */
    private static Result plainJava(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove(Relaunch.GUARD);
        pb.environment().remove(Relaunch.OPT_OUT);
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        return new Result(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void plainJavaGetsTheVectorBackend() throws Exception {
        Result r = plainJava(Map.of(), "info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cpu backend  vector"), r.out());
        assertFalse(r.err().contains("SIMD kernels are off"), r.err());
    }

    @Test
    void theChildsExitCodeAndErrorsComeThrough() throws Exception {
        Result r = plainJava(Map.of(), "no-such-command");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown command 'no-such-command'"), r.err());
        Result bad = plainJava(Map.of(), "train", "--epochs", "0");
        assertEquals(2, bad.code(), bad.err());
        assertEquals("error: --epochs must be at least 1, got 0\n", bad.err(), "one line, and no incubator warning from the child");
        Result debug = plainJava(Map.of("MMGCN_DEBUG", "1"), "train", "--epochs", "0");
        assertEquals(2, debug.code());
        assertTrue(debug.err().startsWith("error: --epochs must be at least 1, got 0\n"), debug.err());
        assertTrue(debug.err().contains("\tat dev.mmgcn."), "MMGCN_DEBUG adds the stack trace: " + debug.err());
    }

    @Test
    void optingOutKeepsTheScalarFallbackAndSaysSo() throws Exception {
        Result r = plainJava(Map.of(Relaunch.OPT_OUT, "1"), "info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cpu backend  scalar"), r.out());
    }
}
