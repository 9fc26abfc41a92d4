package dev.berth.testkit.registry;

import dev.berth.oci.Json;
import dev.berth.testkit.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs registry bearer tokens: JWTs with RS256 whose header carries the signing certificate in {@code x5c}.
 * distribution 2.8 checks that certificate against its {@code rootcertbundle} (the PEM this class writes), which
 * spares us libtrust key IDs. The key pair and its self-signed certificate come from the running JDK's keytool:
 * the JDK has no public API for making certificates.
 */
final class TokenSigner {
    private static final String ALIAS = "berth-token";
    // a throwaway keystore in a temporary directory; PKCS12 wants a password anyway
    private static final char[] STORE_PASSWORD = "berth-testkit".toCharArray();

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final Path rootCertBundle;

    private TokenSigner(PrivateKey key, X509Certificate certificate, Path rootCertBundle) {
        this.key = key;
        this.certificate = certificate;
        this.rootCertBundle = rootCertBundle;
    }

    /** Makes a fresh key and certificate in {@code dir}, writing the certificate to {@code dir/root.pem}. */
    static TokenSigner generate(Path dir, String commonName) throws IOException, InterruptedException {
        Path keystore = dir.resolve("token-signing.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Processes.run(List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", "CN=" + commonName,
                // back-dated so a registry whose clock is a little behind still accepts it
                "-startdate", "-1d", "-validity", "30",
                "-ext", "bc:c", "-ext", "ku:c=digitalSignature,keyCertSign",
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)),
                Duration.ofSeconds(60)).requireSuccess();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, STORE_PASSWORD);
            PrivateKey key = (PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            Path pem = dir.resolve("root.pem");
            Files.writeString(pem, pem(cert));
            return new TokenSigner(key, cert, pem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the token signing key from " + keystore, e);
        }
    }

    /** The PEM file for the registry's {@code rootcertbundle}. */
    Path rootCertBundle() {
        return rootCertBundle;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The compact JWT for these claims. */
    String sign(Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(encoded(certificate))));
        String signingInput = base64Url(Json.write(header)) + "." + base64Url(Json.write(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token with RS256", e);
        }
    }

    static String pem(X509Certificate cert) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(encoded(cert));
        return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the token signing certificate", e);
        }
    }
}
