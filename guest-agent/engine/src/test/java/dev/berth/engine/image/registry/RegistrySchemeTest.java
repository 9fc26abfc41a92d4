package dev.berth.engine.image.registry;

import static dev.berth.engine.image.registry.RegistryTestSupport.OCI_MANIFEST;
import static dev.berth.engine.image.registry.RegistryTestSupport.client;
import static dev.berth.engine.image.registry.RegistryTestSupport.manifest;
import static dev.berth.engine.image.registry.RegistryTestSupport.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.engine.errors.UnavailableException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS by default; plain HTTP (and unverified TLS) only for loopback and user-listed registries, chosen by
 * trying HTTPS first and remembered per registry, as Docker does.
 */
class RegistrySchemeTest {
    static final String PATH = "/v2/app/manifests/latest";
    static SSLContext selfSigned;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        assumeTrue(Files.isExecutable(keytool), "needs the JDK's keytool to make a self-signed certificate");
        Path store = dir.resolve("registry.p12");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "registry", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=fake-registry", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        selfSigned = SSLContext.getInstance("TLS");
        selfSigned.init(kmf.getKeyManagers(), null, null);
    }

    static InetAddress lan() throws Exception {
        Optional<InetAddress> a = FakeServer.nonLoopbackAddress();
        assumeTrue(a.isPresent(), "needs a non-loopback IPv4 address on this machine");
        return a.get();
    }

    @Test
    void aLoopbackRegistryTriesHttpsFirstThenSticksToHttp() throws Exception {
        try (FakeServer registry = FakeServer.start(); RegistryClient client = client()) {
            registry.on("GET", PATH, manifest(OCI_MANIFEST));
            client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            int attempts = registry.tlsAttempts(); // the JDK itself may retry a failed handshake once
            assertTrue(attempts >= 1, "HTTPS is tried first");
            client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            client.session(ref(registry, "other"), null, true).blobExists(RegistryTestSupport.digestOf("x"));
            assertEquals(attempts, registry.tlsAttempts(), "the choice of HTTP is remembered for the registry");
            assertEquals(1, registry.seen("GET", "/v2/").size(), "one probe");
            assertEquals(2, registry.seen("GET", PATH).size());
        }
    }

    @Test
    void aLoopbackRegistryWithTlsIsUsedOverHttpsEvenWithASelfSignedCertificate() throws Exception {
        try (FakeServer registry = FakeServer.startTls(InetAddress.getLoopbackAddress(), selfSigned);
             RegistryClient client = client()) {
            registry.on("GET", PATH, manifest(OCI_MANIFEST));
            client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            assertEquals(1, registry.seen("GET", PATH).size());
        }
    }

    @Test
    void anOrdinaryRegistryIsNeverContactedOverPlainHttp() throws Exception {
        try (FakeServer registry = FakeServer.start(lan()); RegistryClient client = client()) {
            registry.on("GET", PATH, manifest(OCI_MANIFEST));
            UnavailableException e = assertThrows(UnavailableException.class,
                    () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
            assertTrue(e.getMessage().startsWith("registry " + registry.hostPort() + " unavailable: "), e.getMessage());
            assertTrue(registry.tlsAttempts() >= 1);
            assertEquals(0, registry.seen.size(), "no plain HTTP request may be sent");
        }
    }

    @Test
    void aListedInsecureRegistryFallsBackToHttp() throws Exception {
        try (FakeServer registry = FakeServer.start(lan())) {
            registry.on("GET", PATH, manifest(OCI_MANIFEST));
            String host = registry.hostPort().substring(0, registry.hostPort().lastIndexOf(':'));
            try (RegistryClient client = client(host)) {
                client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            }
            assertEquals(1, registry.seen("GET", PATH).size());
        }
    }

    @Test
    void certificatesAreVerifiedUnlessTheRegistryIsListedInsecure() throws Exception {
        try (FakeServer registry = FakeServer.startTls(lan(), selfSigned)) {
            registry.on("GET", PATH, manifest(OCI_MANIFEST));
            try (RegistryClient client = client()) {
                UnavailableException e = assertThrows(UnavailableException.class,
                        () -> client.session(ref(registry, "app"), null, false).fetchManifest("latest"));
                assertTrue(e.getMessage().contains("TLS"), e.getMessage());
            }
            assertEquals(0, registry.seen.size());
            try (RegistryClient client = client(registry.hostPort())) {
                client.session(ref(registry, "app"), null, false).fetchManifest("latest");
            }
            assertEquals(1, registry.seen("GET", PATH).size());
        }
    }

    @Test
    void configRejectsNonsenseTimeouts() {
        assertThrows(IllegalArgumentException.class,
                () -> new RegistryConfig(null, Duration.ZERO, null, Path.of("/x")));
    }
}
