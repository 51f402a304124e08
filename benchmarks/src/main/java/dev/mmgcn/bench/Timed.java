package dev.mmgcn.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How every benchmark here is timed unless it says otherwise: the average time of a call in milliseconds
 * over 5 measured iterations of 2 s after 3 warm-up ones, in one fork with the engine's JVM flags. JMH
 * reads these class annotations from the superclass (they are {@code @Inherited}), and one on a benchmark
 * class replaces its counterpart here, so a benchmark states only what differs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Backend.ADD_MODULES, Backend.VECTOR_MODULE, Backend.NATIVE_ACCESS, Backend.UNSAFE_ALLOW})
public abstract class Timed {
}
