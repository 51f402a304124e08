package dev.mmgcn.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether stderr is a terminal — which decides how progress is shown. {@code System.console()} and
 * {@code Console.isTerminal()} look at stdin and stdout, so {@code train > log.txt} would look like "no
 * terminal" although stderr still is one; this asks about file descriptor 2 itself ({@code isatty(2)}
 * through the FFM API, or where {@code /proc/self/fd/2} points).
 */
final class Terminal {
    /** Set by a parent JVM that relays the child's stderr (see {@link Relaunch}): 1 when its own stderr is a terminal. */
    static final String STDERR_TERMINAL = "MMGCN_STDERR_TERMINAL";
    /** bar | lines | off: overrides the decision. */
    static final String PROGRESS = "MMGCN_PROGRESS";

    private Terminal() {
    }

    /** How progress is shown on stderr. */
    enum Mode { BAR, LINES, OFF }

    static Mode progressMode() {
        String forced = System.getenv(PROGRESS);
        if (forced != null) {
            switch (forced.toLowerCase(Locale.ROOT)) {
                case "bar" -> { return Mode.BAR; }
                case "lines" -> { return Mode.LINES; }
                case "off", "0", "none" -> { return Mode.OFF; }
                default -> { }
            }
        }
        return stderrIsTerminal() ? Mode.BAR : Mode.LINES;
    }

    static boolean stderrIsTerminal() {
        String relayed = System.getenv(STDERR_TERMINAL);
        if (relayed != null) return relayed.equals("1");
        Optional<Boolean> native_ = isatty(2);
        if (native_.isPresent()) return native_.get();
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    /** isatty(fd) from the C library, when this JVM may call native code; empty otherwise. */
    static Optional<Boolean> isatty(int fd) {
        if (!Terminal.class.getModule().isNativeAccessEnabled()) return Optional.empty();
        try {
            Linker linker = Linker.nativeLinker();
            Optional<java.lang.foreign.MemorySegment> f = linker.defaultLookup().find("isatty");
            if (f.isEmpty()) return Optional.empty();
            MethodHandle h = linker.downcallHandle(f.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return Optional.of((int) h.invokeExact(fd) == 1);
        } catch (Throwable t) {
            return Optional.empty();
        }
    }
}
