package dev.berth.engine.image.registry;

/**
 * Where the engine finds credentials for a registry when the client sent none (no X-Registry-Auth). The
 * engine's default source is the docker CLI's config ({@link DockerConfigCredentials}).
 */
@FunctionalInterface
public interface CredentialSource {
    /**
     * Credentials for {@code registryHost}, or {@link Credentials#none()}; never null, never throws for "no
     * credentials". The key is what the docker CLI uses: {@code host[:port]}, and
     * {@code https://index.docker.io/v1/} for Docker Hub.
     */
    Credentials lookup(String registryHost);

    /** A source that never has credentials: anonymous access only. */
    static CredentialSource none() {
        return host -> Credentials.none();
    }
}
