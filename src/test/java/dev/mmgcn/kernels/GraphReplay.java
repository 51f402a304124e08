package dev.mmgcn.kernels;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CPU backend that does what a CUDA graph does with {@link Kernels#replayable}: per key, the first run
 * runs the calls; the second runs them and records every backend call they make (method and arguments,
 * the same buffers); every later run replays that recording call by call, and the Java code inside the
 * region does not run. Only calls that return nothing are recorded (a region reads nothing back).
 */
public final class GraphReplay {
    private GraphReplay() {
    }

    /** Counts of what happened, for assertions. */
    public static final class Stats {
        public int replays;
    }

    private record Call(Method method, Object[] args) {
    }

    /** {@code inner} with replayable regions recorded on their second run and replayed afterwards. */
    public static Kernels over(Kernels inner, Stats stats) {
        Map<Object, Integer> runs = new HashMap<>();
        Map<Object, List<Call>> recordings = new HashMap<>();
        List<List<Call>> recording = new ArrayList<>(1);
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (proxy, m, args) -> {
            if (m.getName().equals("replayable") && m.getParameterCount() == 2) {
                Object key = args[0];
                Runnable calls = (Runnable) args[1];
                List<Call> recorded = recordings.get(key);
                if (recorded != null) {
                    for (Call c : recorded) invoke(inner, c.method(), c.args());
                    stats.replays++;
                    return null;
                }
                int n = runs.merge(key, 1, Integer::sum);
                if (n == 1) {
                    calls.run();
                    return null;
                }
                List<Call> log = new ArrayList<>();
                recording.add(log);
                try {
                    calls.run();
                } finally {
                    recording.clear();
                }
                recordings.put(key, log);
                return null;
            }
            if (m.getName().equals("toString") && m.getParameterCount() == 0) return "graph replay over " + inner;
            if (m.getName().equals("hashCode") && m.getParameterCount() == 0) return System.identityHashCode(proxy);
            if (m.getName().equals("equals") && m.getParameterCount() == 1) return proxy == args[0];
            if (!recording.isEmpty() && m.getReturnType() == void.class) recording.get(0).add(new Call(m, args == null ? null : args.clone()));
            return invoke(inner, m, args);
        });
    }

    private static Object invoke(Kernels inner, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
