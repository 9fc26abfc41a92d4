package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.image.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryHostTest {
    static final RegistryConfig CONFIG = new RegistryConfig(List.of("myreg:5000", "http://other.example/", "[fd00::1]"),
            Duration.ofSeconds(1), "test", Path.of("/nonexistent"));

    @ParameterizedTest
    @ValueSource(strings = {"busybox", "docker.io/library/busybox", "index.docker.io/user/app:1", "user/app"})
    void dockerHubIsServedByRegistry1AndKeyedByTheV1Url(String image) {
        RegistryHost h = RegistryHost.of(Reference.parse(image).domain(), CONFIG);
        assertEquals("registry-1.docker.io", h.apiHost());
        assertEquals("https://index.docker.io/v1/", h.credentialKey());
        assertEquals("docker.io", h.domain());
        assertFalse(h.insecureAllowed());
        assertTrue(h.isDockerHub());
    }

    @Test
    void otherRegistriesAreServedAndKeyedByTheirOwnHost() {
        RegistryHost h = RegistryHost.of(Reference.parse("ghcr.io/org/app").domain(), CONFIG);
        assertEquals("ghcr.io", h.apiHost());
        assertEquals("ghcr.io", h.credentialKey());
        assertFalse(h.insecureAllowed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:5000", "LOCALHOST:5000", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000", "[::1]"})
    void loopbackRegistriesMayUsePlainHttp(String host) {
        assertTrue(RegistryHost.isLoopback(host), host);
        assertTrue(RegistryHost.of(host, CONFIG).insecureAllowed(), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.2:5000", "128.0.0.1", "localhost.example.com", "127.0.0.1.nip.io", "[::2]:5000",
        "registry-1.docker.io", "0.0.0.0:5000"})
    void otherHostsAreNotLoopback(String host) {
        assertFalse(RegistryHost.isLoopback(host), host);
    }

    @Test
    void insecureEntriesMatchHostPortOrHost() {
        assertTrue(CONFIG.isListedInsecure("myreg:5000"));
        assertFalse(CONFIG.isListedInsecure("myreg:5001"), "an entry with a port covers that port only");
        assertFalse(CONFIG.isListedInsecure("myreg"));
        assertTrue(CONFIG.isListedInsecure("other.example"), "scheme and slash in the entry are tolerated");
        assertTrue(CONFIG.isListedInsecure("other.example:8443"), "an entry without a port covers every port");
        assertTrue(CONFIG.isListedInsecure("[fd00::1]:5000"));
        assertFalse(CONFIG.isListedInsecure("notlisted.example"));
        assertTrue(RegistryHost.of("other.example:8443", CONFIG).insecureAllowed());
    }

    @Test
    void loginServerAddressesNameTheirHost() {
        assertTrue(RegistryHost.forServerAddress("", CONFIG).isDockerHub());
        assertTrue(RegistryHost.forServerAddress("https://index.docker.io/v1/", CONFIG).isDockerHub());
        assertTrue(RegistryHost.forServerAddress("docker.io", CONFIG).isDockerHub());
        assertEquals("127.0.0.1:5000", RegistryHost.forServerAddress("http://127.0.0.1:5000/v2/", CONFIG).apiHost());
        assertEquals("reg.example", RegistryHost.forServerAddress("REG.example", CONFIG).apiHost());
        assertThrows(InvalidArgumentException.class, () -> RegistryHost.forServerAddress("bad host!", CONFIG));
    }

    @Test
    void defaultsReadDockerConfigFromTheEnvironmentOrHome() {
        RegistryConfig d = RegistryConfig.defaults(null);
        String env = System.getenv("DOCKER_CONFIG");
        Path expected = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".docker");
        assertEquals(expected, d.dockerConfigDir());
        assertEquals(List.of(), d.insecureRegistries());
        assertTrue(d.userAgent().startsWith("berth/"), d.userAgent());
    }
}
