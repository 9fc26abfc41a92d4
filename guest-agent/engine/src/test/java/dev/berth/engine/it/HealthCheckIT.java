package dev.berth.engine.it;

import static dev.berth.engine.it.ContainerChecks.SERVICE;
import static dev.berth.engine.it.ContainerChecks.await;
import static dev.berth.engine.it.ContainerChecks.events;
import static dev.berth.engine.it.ContainerChecks.inspect;
import static dev.berth.engine.it.ContainerChecks.runDetached;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.it.ContainerChecks.Ev;
import dev.berth.testkit.DockerCli;
import dev.berth.testkit.EngineProcess;
import dev.berth.testkit.RegistryFixture;
import dev.berth.testkit.SharedFixture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health checks with the docker CLI: the status in {@code ps} and {@code inspect}, {@code health_status}
 * events, {@code --filter health=}, the retries, start period and timeout rules, an image's HEALTHCHECK and
 * {@code --no-healthcheck}, and probes that go on after an engine restart. Intervals are 200 ms, so every
 * test takes a few seconds.
 */
class HealthCheckIT {
    static final List<String> FAST = List.of("--health-interval", "200ms");

    static RegistryFixture registry;
    static EngineProcess engine;
    static DockerCli docker;
    static String busybox;

    @RegisterExtension
    static final SharedFixture<ContainerEngine> ENV = new SharedFixture<>(ContainerEngine::start);

    @BeforeEach
    void fixture() {
        registry = ENV.get().registry;
        engine = ENV.get().engine;
        docker = engine.cli();
        busybox = registry.host() + "/busybox";
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (engine != null) {
            ContainerChecks.removeAll(docker);
            ContainerChecks.assertNothingLeft(engine);
        }
    }

    static String health(String id) throws Exception {
        return inspect(docker, id, "{{.State.Health.Status}}");
    }

    static List<String> idsWhere(String filter) throws Exception {
        return docker.ok("ps", "-q", "--no-trunc", "--filter", filter).lines().toList();
    }

    static String psStatus(String id) throws Exception {
        return docker.ok("ps", "--filter", "id=" + id, "--format", "{{.Status}}").trim();
    }

    /** {@code docker events --filter event=health_status}: the prefix matches every status, as in dockerd. */
    static List<String> healthEvents(String id, Instant since) throws Exception {
        return docker.ok("events", "--since", ContainerChecks.unixTime(since), "--until",
                ContainerChecks.unixTime(Instant.now()), "--filter", "container=" + id, "--filter",
                "event=health_status", "--format", "{{.Action}}").lines().toList();
    }

    static List<String> options(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void startingThenHealthyInInspectPsFiltersAndEvents() throws Exception {
        Instant t0 = Instant.now();
        String id = runDetached(docker, options(FAST, "--health-cmd", "test -f /tmp/ready", "--health-retries", "50"),
                busybox, List.of("sh", "-c", "usleep 2000000; touch /tmp/ready; " + SERVICE.get(2)));
        assertEquals("starting", health(id));
        assertTrue(psStatus(id).endsWith("(health: starting)"), psStatus(id));
        assertTrue(idsWhere("health=starting").contains(id));

        await("healthy", Duration.ofSeconds(15), () -> health(id).equals("healthy"));
        assertTrue(psStatus(id).matches("Up .* \\(healthy\\)"), psStatus(id));
        assertTrue(idsWhere("health=healthy").contains(id));
        assertFalse(idsWhere("health=starting").contains(id));
        assertTrue(idsWhere("health=none").isEmpty(), "only containers without a check are health=none");
        assertEquals("0", inspect(docker, id, "{{.State.Health.FailingStreak}}"));
        String codes = inspect(docker, id, "{{range .State.Health.Log}}{{.ExitCode}} {{end}}");
        assertTrue(codes.matches("(1 )*0( 0)*"), "failed until the file was there, then passed: " + codes);
        assertEquals(List.of("health_status: healthy"), healthEvents(id, t0), "one change, one event");
    }

    @Test
    void failingProbesMakeItUnhealthyAfterTheRetries() throws Exception {
        Instant t0 = Instant.now();
        String id = runDetached(docker, options(FAST, "--health-cmd", "echo probe-said-no; exit 1",
                "--health-retries", "3"), busybox, SERVICE);
        await("unhealthy", Duration.ofSeconds(15), () -> health(id).equals("unhealthy"));
        assertTrue(Integer.parseInt(inspect(docker, id, "{{.State.Health.FailingStreak}}")) >= 3);
        assertEquals("1 probe-said-no\n", inspect(docker, id, "{{with index .State.Health.Log 0}}{{.ExitCode}} "
                + "{{.Output}}{{end}}") + "\n");
        assertTrue(idsWhere("health=unhealthy").contains(id));
        assertTrue(psStatus(id).endsWith("(unhealthy)"), psStatus(id));

        Instant started = Instant.parse(inspect(docker, id, "{{.State.StartedAt}}"));
        Ev unhealthy = events(docker, id, t0).stream().filter(e -> e.action().equals("health_status: unhealthy"))
                .findFirst().orElseThrow();
        long afterStart = (unhealthy.timeNano() - (started.getEpochSecond() * 1_000_000_000L + started.getNano()))
                / 1_000_000;
        assertTrue(afterStart >= 600, "three failures 200 ms apart come first; unhealthy after " + afterStart + " ms");
        assertEquals(List.of("health_status: unhealthy"), healthEvents(id, t0));
    }

    @Test
    void theStartPeriodExcusesFailures() throws Exception {
        String id = runDetached(docker, options(FAST, "--health-cmd", "exit 1", "--health-retries", "1",
                "--health-start-period", "4s", "--health-start-interval", "200ms"), busybox, SERVICE);
        Instant started = Instant.parse(inspect(docker, id, "{{.State.StartedAt}}"));
        await("probes ran inside the start period", Duration.ofSeconds(10),
                () -> Integer.parseInt(inspect(docker, id, "{{len .State.Health.Log}}")) >= 2);
        String during = inspect(docker, id, "{{.State.Health.Status}} {{.State.Health.FailingStreak}}");
        assertTrue(Duration.between(started, Instant.now()).toMillis() < 4000, "still inside the start period");
        assertEquals("starting 0", during, "failures inside the start period do not count");

        await("unhealthy once the period is over", Duration.ofSeconds(15), () -> health(id).equals("unhealthy"));
        assertTrue(Duration.between(started, Instant.now()).toMillis() >= 4000);
    }

    @Test
    void aProbeThatRunsTooLongIsKilled() throws Exception {
        String id = runDetached(docker, options(FAST, "--health-cmd", "sleep 30", "--health-timeout", "500ms",
                "--health-retries", "1"), busybox, SERVICE);
        await("unhealthy", Duration.ofSeconds(15), () -> health(id).equals("unhealthy"));
        String first = inspect(docker, id, "{{with index .State.Health.Log 0}}{{.ExitCode}}|{{.Output}}|{{.Start}}|"
                + "{{.End}}{{end}}");
        String[] f = first.split("\\|");
        assertEquals("-1", f[0]);
        assertEquals("Health check exceeded timeout (500ms)", f[1]);
        long took = Duration.between(Instant.parse(iso(f[2])), Instant.parse(iso(f[3]))).toMillis();
        assertTrue(took >= 500 && took < 5000, "killed after its timeout, not after 30 s: " + took + " ms");

        await("more probes timed out", Duration.ofSeconds(15),
                () -> Integer.parseInt(inspect(docker, id, "{{len .State.Health.Log}}")) >= 4);
        long sleeping = docker.ok("top", id).lines().filter(l -> l.endsWith("sleep 30")).count();
        assertTrue(sleeping <= 1, "killed probes do not pile up: " + sleeping + " running");
    }

    /** Go's template prints times as "2026-11-22 10:00:00.123 +0000 UTC"; back to ISO-8601. */
    static String iso(String goTime) {
        Matcher m = Pattern.compile("(\\S+) (\\S+) \\+0000 UTC").matcher(goTime.trim());
        return m.matches() ? m.group(1) + "T" + m.group(2) + "Z" : goTime;
    }

    @Test
    void anImagesHealthcheckRunsUnlessNoHealthcheckOrTheRequestReplacesIt() throws Exception {
        String image = importImageWithHealthcheck();
        Instant t0 = Instant.now();
        String inherited = runDetached(docker, List.of(), image, List.of());
        String disabled = runDetached(docker, List.of("--no-healthcheck"), image, List.of());
        String replaced = runDetached(docker, List.of("--health-cmd", "true"), image, List.of());

        await("the image's check fails", Duration.ofSeconds(15), () -> health(inherited).equals("unhealthy"));
        await("the request's check passes, at the image's interval", Duration.ofSeconds(15),
                () -> health(replaced).equals("healthy"));
        assertEquals("[\"CMD-SHELL\",\"exit 1\"]", inspect(docker, inherited, "{{json .Config.Healthcheck.Test}}"));
        assertEquals("[\"NONE\"]", inspect(docker, disabled, "{{json .Config.Healthcheck.Test}}"));
        assertEquals("null", inspect(docker, disabled, "{{json .State.Health}}"));
        assertFalse(psStatus(disabled).contains("health"), psStatus(disabled));
        assertTrue(idsWhere("health=none").contains(disabled));
        assertEquals(List.of(), healthEvents(disabled, t0));
        assertEquals("running", inspect(docker, disabled, "{{.State.Status}}"));
    }

    /**
     * An image with {@code HEALTHCHECK --interval=200ms --retries=1 CMD exit 1}, made with {@code docker import
     * --change} from the busybox layer in the fixture registry.
     */
    static String importImageWithHealthcheck() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String manifest = http.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/busybox/manifests/latest"))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher layer = Pattern.compile("\"layers\"\\s*:\\s*\\[.*?\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"",
                Pattern.DOTALL).matcher(manifest);
        assertTrue(layer.find(), manifest);
        Path tar = Files.createTempFile("berth-hc-layer", ".tgz");
        try {
            http.send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/busybox/blobs/" + layer.group(1))).build(),
                    HttpResponse.BodyHandlers.ofFile(tar));
            docker.ok("import", "--change", "HEALTHCHECK --interval=200ms --retries=1 CMD exit 1",
                    "--change", "CMD [\"sh\", \"-c\", \"" + SERVICE.get(2) + "\"]",
                    tar.toString(), "hc-image:latest");
        } finally {
            Files.deleteIfExists(tar);
        }
        return "hc-image:latest";
    }

    @Test
    void probesGoOnAfterTheEngineIsKilledAndStartedAgain() throws Exception {
        String id = runDetached(docker, options(FAST, "--health-cmd", "test ! -f /tmp/sick", "--health-retries", "2"),
                busybox, SERVICE);
        await("healthy", Duration.ofSeconds(15), () -> health(id).equals("healthy"));

        engine.kill9();
        Instant launched = Instant.now();
        engine.launch();
        assertEquals("running healthy", inspect(docker, id, "{{.State.Status}} {{.State.Health.Status}}"),
                "the recorded health is kept");

        docker.ok("exec", id, "touch", "/tmp/sick");
        await("unhealthy, judged by probes of the new engine", Duration.ofSeconds(15),
                () -> health(id).equals("unhealthy"));
        assertEquals(List.of("health_status: unhealthy"), healthEvents(id, launched));
        docker.ok("exec", id, "rm", "/tmp/sick");
        await("healthy again", Duration.ofSeconds(15), () -> health(id).equals("healthy"));
    }
}
