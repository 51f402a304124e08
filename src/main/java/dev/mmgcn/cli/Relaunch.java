package dev.mmgcn.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.lang.module.ModuleFinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes plain {@code java -jar mmgcn-engine.jar …} run the SIMD kernels. A jar manifest cannot add
 * {@code jdk.incubator.vector}, and without it every kernel falls back to scalar Java — a default
 * {@code train} then takes about 27 minutes on 2 cores instead of about 80 seconds. When the JDK has the
 * module but this JVM was started without it, the same command is run once more in a child JVM that
 * has it, with this JVM's own options, inheriting the terminal; its exit code is ours.
 *
 * <p>Not done when the module is already there (./mmgcn, or the flag given by hand), when the runtime
 * lacks it (a jlink image without it: the scalar hint is printed instead), inside the child itself, or
 * when {@value #OPT_OUT} is set.
 */
final class Relaunch {
    static final String MODULE = "jdk.incubator.vector";
    static final String GUARD = "MMGCN_RELAUNCHED";
    static final String OPT_OUT = "MMGCN_NO_RELAUNCH";

    private Relaunch() {
    }

    /** What this JVM knows about itself, gathered in one place so the decision can be tested. */
    record Self(boolean modulePresent, boolean moduleAvailable, Optional<String> javaCommand, List<String> jvmOptions,
                String classPath, Map<String, String> env) {

        static Self current() {
            return new Self(ModuleLayer.boot().findModule(MODULE).isPresent(),
                    ModuleFinder.ofSystem().find(MODULE).isPresent(),
                    ProcessHandle.current().info().command(), inputArguments(), System.getProperty("java.class.path", ""),
                    System.getenv());
        }

        private static List<String> inputArguments() {
            try {
                return ManagementFactory.getRuntimeMXBean().getInputArguments();
            } catch (LinkageError e) { // a runtime image without java.management: start the child with defaults
                return List.of();
            }
        }
    }

    /** The child's command line, or empty when this JVM should run the command itself. */
    static Optional<List<String>> command(Self self, String[] args) {
        if (self.modulePresent() || !self.moduleAvailable() || self.javaCommand().isEmpty() || self.classPath().isEmpty()) {
            return Optional.empty();
        }
        if (self.env().containsKey(GUARD) || self.env().containsKey(OPT_OUT)) return Optional.empty();
        if (!usesKernels(args)) return Optional.empty();
        List<String> cmd = new ArrayList<>();
        cmd.add(self.javaCommand().get());
        cmd.addAll(self.jvmOptions());
        cmd.addAll(vectorFlags(args));
        cmd.add("--add-modules");
        cmd.add(MODULE);
        cmd.add("--enable-native-access=ALL-UNNAMED"); // the jar manifest grants it only to `java -jar`
        cmd.add("-cp");
        cmd.add(self.classPath());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /**
     * HotSpot's switches for {@code bench --vector-bits N}: a SIMD width is fixed when a JVM starts, so the
     * child gets it — 256 is AVX2's code path also on an AVX-512 CPU, 128 is SSE/NEON width anywhere; 512 or
     * native leave the JVM's choice. Nothing for any other command or value (the command itself then
     * reports a value it does not know).
     */
    static List<String> vectorFlags(String[] args) {
        if (args.length == 0 || !args[0].equals("bench")) return List.of();
        for (int i = 1; i < args.length; i++) {
            String v = args[i].startsWith("--vector-bits=") ? args[i].substring("--vector-bits=".length())
                    : args[i].equals("--vector-bits") && i + 1 < args.length ? args[i + 1] : null;
            if (v == null) continue;
            return switch (v) {
                case "256" -> List.of("-XX:UseAVX=2", "-XX:MaxVectorSize=32");
                case "128" -> List.of("-XX:MaxVectorSize=16");
                default -> List.of();
            };
        }
        return List.of();
    }

    /** Commands that run kernels (and info, which reports them); help, --version, generate and export need no second JVM. */
    static boolean usesKernels(String[] args) {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) return false;
        }
        if (args.length == 0) return false;
        String command = args[0];
        if (command.startsWith("@")) return true; // an argument file: the command is inside
        return List.of("train", "sweep", "evaluate", "recommend", "serve", "bench", "info").contains(command);
    }

    /**
     * Runs the child to completion and returns its exit code; SIGTERM and SIGINT are passed on to the child
     * (a second one kills it), a parent stopped otherwise takes the child with it, and a child whose parent is
     * killed outright stops itself ({@link #watchParent}). The
     * child's stdin and stdout are this JVM's; its stderr is relayed byte by byte as it comes (progress
     * frames included), without the JVM's own first line "WARNING: Using incubator modules:
     * jdk.incubator.vector", which it prints on every start because the module is incubating.
     */
    static int run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().put(GUARD, Long.toString(ProcessHandle.current().pid())); // which parent the child watches
        // the child's stderr is a pipe to us: tell it whether the real one is a terminal
        pb.environment().putIfAbsent(Terminal.STDERR_TERMINAL, Terminal.stderrIsTerminal() ? "1" : "0");
        try {
            Process child = pb.start();
            // SIGTERM / Ctrl-C: passed on to the child, whose exit code (0 for a server stopped gracefully) is ours; a
            // second one while the child is still stopping ends it outright. Through the ProcessHandle, which only
            // signals: Process.destroy() would also close the pipe that still carries the child's last lines.
            java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
            Signals.onTermination(() -> {
                if (signals.incrementAndGet() == 1) child.toHandle().destroy();
                else child.toHandle().destroyForcibly();
            });
            Thread reaper = new Thread(child::destroy, "mmgcn-child-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            Thread relay = Thread.ofPlatform().name("mmgcn-stderr-relay").start(
                    () -> relay(child.getErrorStream(), new FileOutputStream(FileDescriptor.err)));
            int code = child.waitFor();
            relay.join(); // everything the child wrote is out before we exit
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds the child already gone
            }
            return code;
        } catch (java.io.IOException e) {
            return -1; // could not start: the caller runs the command itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: " + MODULE;

    /** Copies {@code in} to {@code out} as bytes arrive, dropping a first line that is the JVM's incubator warning. */
    static void relay(InputStream in, OutputStream out) {
        try (in) {
            byte[] first = new byte[256];
            int n = 0;
            int b;
            while (n < first.length && (b = in.read()) >= 0) {
                first[n++] = (byte) b;
                if (b == '\n') break;
            }
            String line = new String(first, 0, n, StandardCharsets.UTF_8);
            if (!line.stripTrailing().equals(INCUBATOR_WARNING)) {
                out.write(first, 0, n);
                out.flush();
            }
            byte[] buf = new byte[8192];
            int r;
            while ((r = in.read(buf)) >= 0) {
                out.write(buf, 0, r);
                out.flush();
            }
        } catch (java.io.IOException ignored) {
            // our stderr is gone, or the child's: nothing left to relay
        }
    }

    /**
     * In the child: stop when the parent that relays our output is gone (killed with -9), instead of running on
     * unseen — also when it was gone before this JVM got here (its pid is in {@value #GUARD}; by then our
     * parent would be init or a subreaper).
     */
    static void watchParent() {
        String guard = System.getenv(GUARD);
        if (guard == null) return;
        Optional<ProcessHandle> parent;
        try {
            parent = ProcessHandle.of(Long.parseLong(guard));
        } catch (NumberFormatException e) {
            parent = ProcessHandle.current().parent();
        }
        Runnable stop = () -> {
            System.err.println("error: the parent process ended; stopping");
            System.exit(143);
        };
        if (parent.isEmpty() || !parent.get().isAlive()) stop.run();
        else parent.get().onExit().thenRun(stop);
    }
}
