package dev.berth.engine.container.exec;

import dev.berth.engine.api.ErrorMapper;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerStore;
import dev.berth.engine.container.api.StreamRoutes;
import dev.berth.engine.container.attach.AttachSession;
import dev.berth.engine.errors.EngineException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The exec endpoints: create, start (hijacked or detached), resize, inspect. */
public final class ExecRoutes {
    /** Long enough for the monitor to report an exit it has already seen; the CLI reads the code next. */
    private static final long EXIT_GRACE_SECONDS = 5;

    private final ContainerStore store;
    private final ExecService execs;

    public ExecRoutes(ContainerStore store, ExecService execs) {
        this.store = store;
        this.execs = execs;
    }

    public void register(Router r) {
        r.post("/containers/{name}/exec", this::create);
        r.post("/exec/{id}/start", this::start);
        r.post("/exec/{id}/resize", this::resize);
        r.get("/exec/{id}/json", this::inspect);
    }

    private void create(Request req, Response res) throws IOException {
        Container c = store.get(req.param("name"));
        Exec e = execs.create(c, req.json(ExecConfig.class), false);
        res.json(201, Map.of("Id", e.id()));
    }

    /** Start options; {@code Tty} and {@code ConsoleSize} repeat the create's and are taken from there. */
    record StartOptions(@JsonProperty("Detach") Boolean detach) {}

    private void start(Request req, Response res) throws IOException {
        Exec e = execs.get(req.param("id"));
        StartOptions opts = req.json(StartOptions.class);
        if (opts != null && Boolean.TRUE.equals(opts.detach())) {
            execs.launch(e);
            res.empty(200);
            return;
        }
        ExecConfig cfg = e.config();
        OutputStream out = res.hijack(req.wantsUpgrade() ? StreamRoutes.streamType(req, cfg.isTty())
                : "application/vnd.docker.raw-stream", req.wantsUpgrade());
        try {
            execs.launch(e);
        } catch (EngineException failed) {
            writeError(out, cfg.isTty(), ErrorMapper.message(failed));
            return;
        }
        AttachSession s = new AttachSession(req.hijackedInput(), out, cfg.isTty(), cfg.stdin(), cfg.stdout(),
                cfg.stderr(), cfg.detachKeys());
        s.connect(e.socket());
        try {
            s.await();
            if (s.outputEnded()) {
                e.exit().get(EXIT_GRACE_SECONDS, TimeUnit.SECONDS); // ExitCode must be final when the stream ends
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException notYet) {
            // the exit watcher records the code when the monitor reports it
        }
    }

    /** dockerd writes a start failure into the stream as stdout text; the CLI prints it. */
    private static void writeError(OutputStream out, boolean tty, String message) throws IOException {
        byte[] text = (message + "\r\n").getBytes(StandardCharsets.UTF_8);
        if (!tty) {
            out.write(new byte[] {1, 0, 0, 0, (byte) (text.length >>> 24), (byte) (text.length >>> 16),
                    (byte) (text.length >>> 8), (byte) text.length});
        }
        out.write(text);
        out.flush();
    }

    private void resize(Request req, Response res) throws IOException {
        Exec e = execs.get(req.param("id"));
        execs.resize(e, StreamRoutes.dimension(req, "h"), StreamRoutes.dimension(req, "w"));
        res.empty(200);
    }


    private void inspect(Request req, Response res) throws IOException {
        Exec e = execs.get(req.param("id"));
        ExecConfig cfg = e.config();
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("arguments", cfg.cmd().subList(1, cfg.cmd().size()));
        process.put("entrypoint", cfg.cmd().get(0));
        process.put("privileged", cfg.isPrivileged());
        process.put("tty", cfg.isTty());
        process.put("user", cfg.user() == null ? "" : cfg.user());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CanRemove", false);
        m.put("ContainerID", e.container().id());
        m.put("DetachKeys", cfg.detachKeys() == null ? "" : cfg.detachKeys());
        m.put("ExitCode", e.exitCode());
        m.put("ID", e.id());
        m.put("OpenStderr", cfg.stderr());
        m.put("OpenStdin", cfg.stdin());
        m.put("OpenStdout", cfg.stdout());
        m.put("ProcessConfig", process);
        m.put("Running", e.status() == Exec.Status.RUNNING);
        m.put("Pid", e.pid());
        res.json(200, m);
    }
}
