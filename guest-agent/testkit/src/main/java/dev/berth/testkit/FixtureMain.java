package dev.berth.testkit;

import dev.berth.oci.layout.OciLayout;
import java.io.IOException;

/**
 * Fixture tools from the command line, for bench/ and for trying things by hand:
 * <pre>
 *   FixtureMain layout   build (or reuse) the fixture layout and print its directory
 *   FixtureMain serve    start the registry, push every fixture, print "registry=127.0.0.1:PORT",
 *                        and keep serving until the process is stopped (SIGTERM/SIGINT)
 * </pre>
 */
public final class FixtureMain {
    private FixtureMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        String cmd = args.length == 0 ? "serve" : args[0];
        switch (cmd) {
            case "layout" -> System.out.println(FixtureImages.layout().dir());
            case "serve" -> serve();
            default -> {
                System.err.println("usage: FixtureMain layout|serve");
                System.exit(2);
            }
        }
    }

    private static void serve() throws IOException, InterruptedException {
        OciLayout layout = FixtureImages.layout();
        RegistryFixture registry = RegistryFixture.start();
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "registry-stop"));
        FixtureImages.pushAll(layout, registry.baseUri());
        System.out.println("registry=" + registry.host());
        System.out.flush();
        Thread.currentThread().join(); // until a signal runs the shutdown hook
    }
}
