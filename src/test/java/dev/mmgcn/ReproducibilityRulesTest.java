package dev.mmgcn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two source rules that keep a result the same bits on every x86 CPU, checked over {@code src/main}:
 * <ul>
 *   <li>transcendental functions come from {@code StrictMath} (fdlibm, the same bits everywhere), never
 *       {@code Math}, whose HotSpot intrinsics may differ by an ulp between CPUs and JIT tiers; nor from the
 *       Vector API's lane-wise EXP/LOG/…, whose intrinsic and Java fallback differ too;</li>
 *   <li>no {@code reduceLanes} with ADD or MUL: its summation order depends on the lane count and on the
 *       JIT tier (the fixed-order reductions are in {@code kernels/VectorDot}).</li>
 * </ul>
 * The rules are what {@code VectorWidthTest} and {@code FixedOrderTest} measure; this test names the line
 * that breaks them before a training run has to.
 */
class ReproducibilityRulesTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern MATH = Pattern.compile(
            "(?<![A-Za-z_.])Math\\.(exp|expm1|log|log1p|log10|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|cbrt|hypot)\\s*\\(");
    private static final Pattern LANEWISE = Pattern.compile(
            "VectorOperators\\.(EXP|EXPM1|LOG|LOG1P|LOG10|POW|SIN|COS|TAN|ASIN|ACOS|ATAN|ATAN2|SINH|COSH|TANH|CBRT|HYPOT)\\b");
    private static final Pattern REDUCE = Pattern.compile("reduceLanes\\s*\\(\\s*(VectorOperators\\.)?(ADD|MUL)\\b");

    @Test
    void noCpuDependentMathInTheEngine() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("//.*", "");
                    if (code.stripLeading().startsWith("*")) continue; // javadoc
                    for (Pattern p : List.of(MATH, LANEWISE, REDUCE)) {
                        Matcher m = p.matcher(code);
                        if (m.find()) found.add(MAIN.relativize(f) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(found.isEmpty(), "CPU-dependent arithmetic (use StrictMath / kernels.VectorDot):\n  " + String.join("\n  ", found));
    }
}
