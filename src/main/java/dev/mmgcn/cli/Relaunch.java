package dev.mmgcn.cli;

import java.lang.management.ManagementFactory;
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
        List<String> cmd = new ArrayList<>();
        cmd.add(self.javaCommand().get());
        cmd.addAll(self.jvmOptions());
        cmd.add("--add-modules");
        cmd.add(MODULE);
        cmd.add("--enable-native-access=ALL-UNNAMED"); // the jar manifest grants it only to `java -jar`
        cmd.add("-cp");
        cmd.add(self.classPath());
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        return Optional.of(cmd);
    }

    /** Runs the child to completion and returns its exit code; a parent killed meanwhile takes the child with it. */
    static int run(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put(GUARD, "1");
        try {
            Process child = pb.start();
            Thread reaper = new Thread(child::destroy, "mmgcn-child-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            int code = child.waitFor();
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
}
