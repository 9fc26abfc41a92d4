package dev.berth.engine.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.testkit.DockerCli;
import dev.berth.testkit.Processes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker events} with {@code --since}/{@code --until} and the filters the CLI and compose use (type,
 * event, container by ID or name prefix (as dockerd: {@code container=web} also selects {@code web-2}), label with and without value), and a live stream bounded by a
 * future {@code --until}. Where a reference dockerd runs, the same history is made on it and every query
 * must print the same lines.
 */
class EventsIT {
    private static final String FORMAT = "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.mine}}";

    static LimitsFixture f;
    static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        f = LimitsFixture.start();
        docker = f.berth();
    }

    @AfterAll
    static void stop() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void filtersSelectTheEventsDockerdSelects() throws Exception {
        String name = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, List<String>> ours = history(docker, name);
        String id = ours.remove("id").getFirst();
        // dockerd's container filter matches names by prefix: NAME also selects NAME-other
        assertEquals(List.of("container start " + name + " 1", "container start " + name + "-other <no value>"),
                ours.get("start of one container"));
        assertEquals(List.of("container create " + name + " 1", "container start " + name + " 1",
                "container die " + name + " 1", "container destroy " + name + " 1"), ours.get("label=mine=1"));
        assertEquals(ours.get("label=mine=1"), ours.get("label=mine"));
        assertEquals(List.of("container die " + name + "-other <no value>"), ours.get("die of the other"));
        assertEquals(8, ours.get("by name prefix").size(), ours.get("by name prefix").toString());
        assertTrue(ours.get("by ID").contains("container start " + name + " 1"), ours.get("by ID").toString());
        assertTrue(id.length() == 64, id);

        DockerCli reference = f.reference();
        Map<String, List<String>> theirs = history(reference, name);
        theirs.remove("id");
        for (String query : ours.keySet()) {
            assertEquals(theirs.get(query), ours.get(query), query);
        }
    }

    @Test
    void aFutureUntilStreamsLiveEventsAndThenEnds() throws Exception {
        String name = "live-" + UUID.randomUUID().toString().substring(0, 8);
        Instant until = Instant.now().plusSeconds(4);
        List<String> args = List.of("events", "--until", ContainerChecks.unixTime(until), "--filter",
                "container=" + name, "--format", "{{.Action}}");
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1000);
                docker.run("run", "--rm", "--pull", "never", "--network", "none", "--name", name, f.busybox, "true");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long started = System.nanoTime();
        Processes.Result r = docker.run(args, new byte[0], Duration.ofSeconds(20));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(tookMs >= 3000 && tookMs < 10_000, "ended at --until: " + tookMs + " ms");
        assertEquals(List.of("create", "attach", "start", "die", "destroy"), r.stdout().lines().toList());
    }

    /**
     * Two containers (one labelled mine=1, one not, sharing a name prefix) run and are removed on {@code d};
     * then each query over that time: its lines, by query name. Also the first container's ID under "id".
     */
    private static Map<String, List<String>> history(DockerCli d, String name) throws Exception {
        Instant since = Instant.now();
        String id = d.ok("run", "-d", "--pull", "never", "--network", "none", "--name", name, "--label", "mine=1",
                f.busybox, "true").trim();
        d.ok("wait", name); // one after the other: two containers' events would otherwise interleave by chance
        d.ok("run", "-d", "--pull", "never", "--network", "none", "--name", name + "-other", f.busybox, "true");
        d.ok("wait", name + "-other");
        d.ok("rm", name); // one at a time: `docker rm a b` removes both at once, in no fixed order
        d.ok("rm", name + "-other");
        Thread.sleep(100);
        Instant until = Instant.now();
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("id", List.of(id));
        out.put("start of one container", events(d, since, until, "type=container", "event=start",
                "container=" + name));
        out.put("label=mine=1", events(d, since, until, "label=mine=1"));
        out.put("label=mine", events(d, since, until, "label=mine"));
        out.put("die of the other", events(d, since, until, "event=die", "container=" + name + "-other"));
        out.put("by name prefix", events(d, since, until, "type=container", "container=" + name.substring(0, 6)));
        out.put("by ID", events(d, since, until, "container=" + id.substring(0, 12)));
        return out;
    }

    private static List<String> events(DockerCli d, Instant since, Instant until, String... filters) throws Exception {
        List<String> args = new ArrayList<>(List.of("events", "--since", ContainerChecks.unixTime(since), "--until",
                ContainerChecks.unixTime(until), "--format", FORMAT));
        for (String filter : filters) {
            args.add("--filter");
            args.add(filter);
        }
        return d.run(args).requireSuccess().stdout().lines().toList();
    }
}
