package dev.mmgcn;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists, at the end of a run, every test that did not run to a verdict — disabled, or aborted by an
 * assumption (no GPU, no shared data, no C compiler) — with its reason, so that no skip is silent.
 * Registered through {@code META-INF/services}; the build's test runner and the JUnit console both load it.
 */
public final class SkipReport implements TestExecutionListener {
    private final List<String> skipped = new ArrayList<>();

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (skipped.isEmpty()) return;
        StringBuilder sb = new StringBuilder("\n" + skipped.size() + " test(s) skipped, with their reasons:\n");
        for (String s : skipped) sb.append("  skipped ").append(s).append('\n');
        System.out.print(sb);
        skipped.clear();
    }

    private static String name(TestIdentifier test) {
        String id = test.getLegacyReportingName();
        return test.getSource().map(s -> s.toString().replaceAll(".*className = '([^']*)'.*methodName = '([^']*)'.*", "$1#$2"))
                .filter(s -> !s.contains("[")).orElse(test.getDisplayName()) + (id.equals(test.getDisplayName()) ? "" : " " + test.getDisplayName());
    }
}
