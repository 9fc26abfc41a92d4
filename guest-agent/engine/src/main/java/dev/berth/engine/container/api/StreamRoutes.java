package dev.berth.engine.container.api;

import dev.berth.engine.api.ApiVersion;
import dev.berth.engine.api.ClientWatch;
import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.api.Router;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.attach.AttachSession;
import dev.berth.engine.container.logs.LogEntry;
import dev.berth.engine.container.logs.LogReader;
import dev.berth.engine.container.runtime.MonitorClient;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A container's streams: attach (hijacked), resize of its terminal, and logs. */
public final class StreamRoutes {
    private static final ApiVersion MULTIPLEXED_SINCE = ApiVersion.parse("1.42");

    private final ContainerService service;

    public StreamRoutes(ContainerService service) {
        this.service = service;
    }

    public void register(Router r) {
        r.post("/containers/{name}/attach", this::attach);
        r.post("/containers/{name}/resize", this::resize);
        r.get("/containers/{name}/logs", this::logs);
    }

    /** Content type of attach, exec and logs streams (CHECKLIST 4.6): only ≥ 1.42 non-TTY is multiplexed. */
    public static String streamType(Request req, boolean tty) {
        return !tty && req.version().compareTo(MULTIPLEXED_SINCE) >= 0 ? "application/vnd.docker.multiplexed-stream"
                : "application/vnd.docker.raw-stream";
    }

    /**
     * The docker CLI attaches before it starts a container; such a session waits and is connected by the
     * start, before the process runs. A running container's monitor is connected at once.
     */
    private void attach(Request req, Response res) throws IOException {
        Container c = service.get(req.param("name"));
        if (c.state().paused()) {
            throw new ConflictException("You cannot attach to a paused container, unpause it first");
        }
        boolean tty = c.record().config().isTty();
        boolean stdin = req.flag("stdin", false) && c.record().config().isOpenStdin();
        boolean stdout = req.flag("stdout", false);
        boolean stderr = req.flag("stderr", false);
        AttachSession s;
        // The lock is taken before the 101 goes out: the docker CLI sends its start as soon as it has the
        // 101, and that start must find this session registered. Registered after the 101, a start could
        // slip in between, the session would then join the running process late and lose its first output
        // (seen as an empty `docker run` output about once in a hundred runs under load).
        c.lock().lock();
        try {
            OutputStream out = res.hijack(req.wantsUpgrade() ? streamType(req, tty)
                    : "application/vnd.docker.raw-stream", req.wantsUpgrade());
            if (req.flag("logs", false)) {
                replayLogs(c, out, tty, stdout, stderr);
            }
            if (!req.flag("stream", true)) {
                return;
            }
            s = new AttachSession(req.hijackedInput(), out, tty, stdin, stdout, stderr,
                    req.query().get("detachKeys").orElse(null));
            if (c.state().running()) {
                s.connect(c.paths().monitorSocket());
            } else {
                service.context().attaches().await(c.id(), s);
            }
        } finally {
            c.lock().unlock();
        }
        service.context().events().publish(c, "attach");
        try {
            s.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            service.context().attaches().forget(c.id(), s);
        }
    }

    private static void replayLogs(Container c, OutputStream out, boolean tty, boolean stdout, boolean stderr)
            throws IOException {
        for (LogEntry e : LogReader.read(c.paths().log(), new LogReader.Query(-1, null, null, stdout, stderr))) {
            writeEntry(out, e, tty, false);
        }
        out.flush();
    }

    private void resize(Request req, Response res) throws IOException {
        Container c = service.get(req.param("name"));
        int h = dimension(req, "h");
        int w = dimension(req, "w");
        if (!c.state().running()) {
            throw new ConflictException("Container " + c.id() + " is not running");
        }
        if (c.record().config().isTty()) {
            MonitorClient.call(c.paths().monitorSocket(), "RESIZE " + h + " " + w);
        }
        res.empty(200);
    }

    public static int dimension(Request req, String name) {
        String v = req.query().get(name).orElse("0");
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > 65535) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid resize " + name + ": \"" + v + "\"");
        }
    }

    private void logs(Request req, Response res) throws IOException {
        Container c = service.get(req.param("name"));
        boolean stdout = req.flag("stdout", false);
        boolean stderr = req.flag("stderr", false);
        if (!stdout && !stderr) {
            throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
        }
        LogReader.Query q = new LogReader.Query(tail(req), time(req, "since"), time(req, "until"), stdout, stderr);
        boolean tty = c.record().config().isTty();
        boolean timestamps = req.flag("timestamps", false);
        boolean follow = req.flag("follow", false);
        CompletableFuture<Void> gone = follow ? ClientWatch.watch(req, res) : null;
        String type = req.version().compareTo(MULTIPLEXED_SINCE) >= 0 ? streamType(req, tty) : null;
        long offset = LogReader.size(c.paths().log());
        try (OutputStream out = res.stream(200, type)) {
            for (LogEntry e : LogReader.read(c.paths().log(), q, offset)) {
                writeEntry(out, e, tty, timestamps);
            }
            out.flush();
            if (follow && (q.until() == null || q.until().isAfter(Instant.now()))) {
                Instant run = c.state().startedAt();
                LogReader.Query live = new LogReader.Query(-1, q.since(), q.until(), stdout, stderr);
                LogReader.follow(c.paths().log(), live, offset, e -> {
                    writeEntry(out, e, tty, timestamps);
                    out.flush();
                    return !gone.isDone();
                }, () -> gone.isDone() || !c.state().running() || !run.equals(c.state().startedAt())
                        || (q.until() != null && Instant.now().isAfter(q.until())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One entry as one frame (or raw bytes on a terminal), with its timestamp if asked. */
    static void writeEntry(OutputStream out, LogEntry e, boolean tty, boolean timestamps) throws IOException {
        byte[] data = e.data();
        if (timestamps) {
            byte[] ts = (e.timestamp() + " ").getBytes(StandardCharsets.US_ASCII);
            byte[] both = new byte[ts.length + data.length];
            System.arraycopy(ts, 0, both, 0, ts.length);
            System.arraycopy(data, 0, both, ts.length, data.length);
            data = both;
        }
        if (!tty) {
            byte[] header = {(byte) e.stream(), 0, 0, 0, (byte) (data.length >>> 24), (byte) (data.length >>> 16),
                    (byte) (data.length >>> 8), (byte) data.length};
            out.write(header);
        }
        out.write(data);
    }

    private static int tail(Request req) {
        String t = req.query().get("tail").orElse("all");
        if (t.isEmpty() || t.equals("all")) {
            return -1;
        }
        try {
            return Math.max(-1, Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid value for \"tail\": \"" + t + "\"");
        }
    }

    private static Instant time(Request req, String name) {
        Optional<String> v = req.query().get(name).filter(s -> !s.isEmpty() && !s.equals("0"));
        if (v.isEmpty()) {
            return null;
        }
        return dev.berth.engine.events.EventRoutes.parseTime(v).map(n -> Instant.ofEpochSecond(0, n))
                .orElseThrow(() -> new InvalidArgumentException("invalid value for \"" + name + "\": " + v.get()));
    }
}
