package dev.berth.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A fixture shared by all tests of a class (an engine, a registry), started once and closed after the last
 * test. When it cannot start on this machine (not root, no registry binary), every test of the class is
 * reported skipped with the reason (as {@link SkipEachTest} does for plain {@code @BeforeAll} methods).
 *
 * <pre>
 *   {@literal @}RegisterExtension
 *   static final SharedFixture&lt;ContainerEngine&gt; ENV = new SharedFixture&lt;&gt;(ContainerEngine::start);
 * </pre>
 */
public final class SharedFixture<T extends AutoCloseable>
        implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final Callable<T> starter;
    private T value;
    private String unavailable;

    public SharedFixture(Callable<T> starter) {
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        try {
            value = starter.call();
        } catch (TestAbortedException e) {
            unavailable = e.getMessage();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assumeTrue(unavailable == null, unavailable);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (value != null) {
            value.close();
            value = null;
        }
    }

    public T get() {
        if (value == null) {
            throw new IllegalStateException("the shared fixture is not running" + (unavailable == null ? ""
                    : ": " + unavailable));
        }
        return value;
    }
}
