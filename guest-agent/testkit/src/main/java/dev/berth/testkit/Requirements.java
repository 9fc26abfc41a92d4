package dev.berth.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * Preconditions of integration tests. A missing one skips the test with its reason (counted and printed
 * by the test command's skip report); it never passes silently.
 */
public final class Requirements {
    private Requirements() {}

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static void requireRoot() {
        assumeTrue(isRoot(), "needs root (namespaces, mounts, cgroups)");
    }

    public static void requireRegistry() {
        require(RegistryFixture.unavailableReason());
    }

    public static void requireDockerCli() {
        require(DockerCli.unavailableReason());
    }

    public static void requireReferenceDockerd() {
        require(ReferenceDockerd.unavailableReason());
    }

    private static void require(Optional<String> reason) {
        assumeTrue(reason.isEmpty(), reason.orElse(""));
    }
}
