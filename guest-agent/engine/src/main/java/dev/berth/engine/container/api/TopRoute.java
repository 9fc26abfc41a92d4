package dev.berth.engine.container.api;

import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.SpecInputs;
import dev.berth.engine.container.cgroup.Cgroups;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.SystemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker top}: as dockerd does, runs the host's {@code ps} with the user's arguments and keeps the
 * rows whose PID is in the container's cgroup. The last column (the command) may contain spaces.
 */
final class TopRoute {
    private final ContainerService service;

    TopRoute(ContainerService service) {
        this.service = service;
    }

    void handle(Request req, Response res) throws IOException {
        Container c = service.get(req.param("name"));
        if (!c.state().running()) {
            throw new ConflictException("Container " + c.id() + " is not running");
        }
        String args = req.query().get("ps_args").filter(s -> !s.isBlank()).orElse("-ef");
        Set<Long> pids = new HashSet<>(Cgroups.pids(SpecInputs.cgroupsPath(c.record())));
        List<String> lines = ps(args);
        res.json(200, parse(lines, pids));
    }

    static Map<String, Object> parse(List<String> lines, Set<Long> pids) {
        if (lines.isEmpty()) {
            throw new SystemException("ps printed nothing");
        }
        List<String> titles = Arrays.asList(lines.get(0).trim().split("\\s+"));
        int pidColumn = titles.indexOf("PID");
        if (pidColumn < 0) {
            throw new InvalidArgumentException("Couldn't find PID field in ps output");
        }
        List<List<String>> processes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+", titles.size());
            if (f.length < titles.size()) {
                continue;
            }
            try {
                if (pids.contains(Long.parseLong(f[pidColumn]))) {
                    processes.add(Arrays.asList(f));
                }
            } catch (NumberFormatException notARow) {
                // e.g. a second header line
            }
        }
        return Map.of("Titles", titles, "Processes", processes);
    }

    private static List<String> ps(String args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(Arrays.asList(args.trim().split("\\s+")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new InvalidArgumentException("ps " + args + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("interrupted running ps");
        }
        return out.lines().toList();
    }
}
