package dev.berth.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Turns a class-level skip into per-test skips. When a {@code @BeforeAll} method finds this machine lacks
 * something ({@link Requirements}: not root, no registry binary), JUnit would skip the whole class without
 * reporting its tests, which makes the skip invisible in the reports; this extension remembers the reason
 * and skips each test with it instead, so every one is counted and printed. Registered for every test class
 * by service loading ({@code junit-platform.properties} in this jar turns that on).
 */
public final class SkipEachTest implements LifecycleMethodExecutionExceptionHandler, BeforeEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SkipEachTest.class);

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        if (t instanceof TestAbortedException) {
            String why = t.getMessage() == null ? "skipped" : t.getMessage();
            context.getStore(NS).put("reason", why.replaceFirst("^Assumption failed: ", ""));
            return;
        }
        throw t;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String reason = reason(context.getParent());
        assumeTrue(reason == null, reason);
    }

    private static String reason(Optional<ExtensionContext> ctx) {
        while (ctx.isPresent()) {
            String r = ctx.get().getStore(NS).get("reason", String.class);
            if (r != null) {
                return r;
            }
            ctx = ctx.get().getParent();
        }
        return null;
    }
}
