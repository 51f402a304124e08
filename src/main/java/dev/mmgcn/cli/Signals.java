package dev.mmgcn.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * SIGTERM and SIGINT handled by the program instead of the JVM's default (which runs the shutdown
 * hooks and exits with 143 or 130). {@code serve} uses it to stop gracefully and exit 0, and the
 * launcher's parent JVM ({@link Relaunch}) to pass the signal on to its child and exit with the
 * child's code.
 *
 * <p>Java has no public API for this; {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * exported for exactly this use) is called reflectively so that the build carries no
 * "internal proprietary API" warning. Where it is unavailable, or the JVM keeps the signal for itself
 * ({@code -Xrs}), {@link #onTermination} returns false and the default behaviour stays.
 */
final class Signals {
    /** The signals a user or a process manager sends to stop a program. */
    static final List<String> TERMINATION = List.of("TERM", "INT");

    private Signals() {
    }

    /** Runs {@code action} (on a JVM signal thread) for each SIGTERM and SIGINT; true when both are installed. */
    static boolean onTermination(Runnable action) {
        boolean all = true;
        for (String name : TERMINATION) all &= handle(name, action);
        return all;
    }

    private static boolean handle(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handler}, (p, method, args) -> {
                if (method.getName().equals("handle")) {
                    action.run();
                    return null;
                }
                return switch (method.getName()) { // Object's methods on the proxy
                    case "toString" -> "mmgcn signal handler for SIG" + name;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> null;
                };
            });
            Method handle = signal.getMethod("handle", signal, handler);
            handle.invoke(null, sig, proxy);
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false; // no sun.misc.Signal here, or the signal is the VM's (-Xrs): the JVM's default stays
        }
    }
}
