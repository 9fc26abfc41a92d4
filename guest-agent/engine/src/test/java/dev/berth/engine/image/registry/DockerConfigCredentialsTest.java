package dev.berth.engine.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerConfigCredentialsTest {
    @TempDir
    Path dir;

    static String auth(String user, String pass) {
        return Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    private DockerConfigCredentials source(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return new DockerConfigCredentials(dir, name -> List.of(dir.resolve("docker-credential-" + name).toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://index.docker.io/v1/", "docker.io", "index.docker.io", "registry-1.docker.io"})
    void dockerHubCredentialsAreFoundUnderEveryHubName(String key) throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + auth("hubuser", "hubpass") + "\"}}}");
        assertEquals(Credentials.basic("hubuser", "hubpass"), s.lookup(key));
    }

    @Test
    void hubCredentialsStoredUnderDockerIoAreFoundByTheV1Key() throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"docker.io\":{\"username\":\"u\",\"password\":\"p\"}}}");
        assertEquals(Credentials.basic("u", "p"), s.lookup(RegistryHost.HUB_CREDENTIAL_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:5000", "http://127.0.0.1:5000", "https://127.0.0.1:5000/v2/", "http://127.0.0.1:5000/"})
    void keysWithSchemesAndPathsMatchTheirHost(String key) throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth("a", "b") + "\"}}}");
        assertEquals(Credentials.basic("a", "b"), s.lookup("127.0.0.1:5000"));
        assertTrue(s.lookup("127.0.0.1:5001").isEmpty());
        assertTrue(s.lookup("127.0.0.1").isEmpty());
    }

    @Test
    void theKeyDockerLoginWritesWinsOverAUrlForm() throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"https://reg.example/v2/\":{\"auth\":\"" + auth("old", "x")
                + "\"},\"reg.example\":{\"auth\":\"" + auth("new", "y") + "\"}}}");
        assertEquals("new", s.lookup("reg.example").username());
    }

    @Test
    void readsIdentityTokensAndAuthWinsOverUsernameFields() throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"reg.example\":{\"username\":\"ignored\",\"auth\":\""
                + auth("real", "pw") + "\",\"identitytoken\":\"refresh\"}}}");
        Credentials c = s.lookup("reg.example");
        assertEquals("real", c.username());
        assertEquals("pw", c.password());
        assertEquals("refresh", c.identityToken());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{\"auths\":{\"reg.example\":{\"auth\":\"!!!\"}}}",
        "{\"auths\":{\"reg.example\":\"x\"}}", "{\"auths\":[1,2]}"})
    void malformedConfigMeansNoCredentials(String json) throws IOException {
        assertTrue(source(json).lookup("reg.example").isEmpty());
    }

    @Test
    void missingConfigMeansNoCredentials() {
        assertTrue(new DockerConfigCredentials(dir.resolve("nowhere")).lookup("docker.io").isEmpty());
    }

    @Test
    void reReadsTheFileWhenItChanges() throws IOException {
        DockerConfigCredentials s = source("{\"auths\":{\"reg.example\":{\"auth\":\"" + auth("one", "1") + "\"}}}");
        assertEquals("one", s.lookup("reg.example").username());
        Path file = dir.resolve("config.json");
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, "{\"auths\":{\"reg.example\":{\"auth\":\"" + auth("two", "2") + "\"}}}");
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 10_000));
        assertEquals("two", s.lookup("reg.example").username());
        Files.delete(file);
        assertTrue(s.lookup("reg.example").isEmpty());
    }

    @Test
    void credHelpersAreRunWithTheServerUrlOnStdin() throws IOException {
        helper("fake", """
                url=$(cat)
                if [ "$url" = "reg.example:5000" ]; then
                  echo '{"ServerURL":"reg.example:5000","Username":"helped","Secret":"s3cret"}'
                elif [ "$url" = "https://index.docker.io/v1/" ]; then
                  echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh-tok"}'
                else
                  echo 'credentials not found in native keychain'; exit 1
                fi
                """);
        DockerConfigCredentials s = source("{\"credHelpers\":{\"reg.example:5000\":\"fake\",\"docker.io\":\"fake\","
                + "\"other.example\":\"fake\"},\"auths\":{\"other.example\":{\"auth\":\"" + auth("file", "f") + "\"}}}");
        assertEquals(Credentials.basic("helped", "s3cret"), s.lookup("reg.example:5000"));
        Credentials hub = s.lookup(RegistryHost.HUB_CREDENTIAL_KEY);
        assertEquals("refresh-tok", hub.identityToken());
        assertEquals(null, hub.username());
        assertEquals("file", s.lookup("other.example").username(), "helper had nothing: the file's auths apply");
    }

    @Test
    void credsStoreAppliesToEveryRegistryAndAMissingHelperIsNoCredentials() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Files.writeString(dir.resolve("config.json"), "{\"credsStore\":\"absent\",\"auths\":{\"reg.example\":{\"auth\":\""
                + auth("file", "f") + "\"}}}");
        DockerConfigCredentials s = new DockerConfigCredentials(dir, name -> {
            runs.incrementAndGet();
            return List.of(dir.resolve("docker-credential-" + name).toString());
        });
        assertEquals("file", s.lookup("reg.example").username());
        assertTrue(s.lookup("elsewhere.example").isEmpty());
        assertEquals(2, runs.get(), "the store is tried for each lookup");
    }

    @Test
    void helperNamesThatCouldEscapeThePathAreIgnored() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Files.writeString(dir.resolve("config.json"), "{\"credsStore\":\"../../bin/sh\"}");
        DockerConfigCredentials s = new DockerConfigCredentials(dir, name -> {
            runs.incrementAndGet();
            return List.of("/bin/false");
        });
        assertTrue(s.lookup("reg.example").isEmpty());
        assertEquals(0, runs.get());
    }

    @Test
    void aHelperPrintingGarbageMeansNoCredentials() throws IOException {
        helper("junk", "cat >/dev/null; echo 'this is not json'");
        assertTrue(source("{\"credsStore\":\"junk\"}").lookup("reg.example").isEmpty());
    }

    private void helper(String name, String script) throws IOException {
        Path p = dir.resolve("docker-credential-" + name);
        Files.writeString(p, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
}
