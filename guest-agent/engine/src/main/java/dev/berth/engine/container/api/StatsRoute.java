package dev.berth.engine.container.api;

import dev.berth.engine.api.Request;
import dev.berth.engine.api.Response;
import dev.berth.engine.container.Container;
import dev.berth.engine.container.ContainerService;
import dev.berth.engine.container.stats.StatsStreamer;
import dev.berth.oci.Json;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code GET /containers/{id}/stats?stream=&one-shot=}. Without a stream: one JSON body with its length, as
 * dockerd sends it. With a stream: chunked, one sample per line; dockerd sets no content type on it. A stream
 * that ends because the container stopped ends with the last chunk, so the connection can be used again.
 */
final class StatsRoute {
    private final ContainerService service;
    private final StatsStreamer stats;

    StatsRoute(ContainerService service, StatsStreamer stats) {
        this.service = service;
        this.stats = stats;
    }

    void handle(Request req, Response res) throws IOException {
        Container c = service.get(req.param("name"));
        boolean stream = req.flag("stream", true);
        boolean oneShot = req.flag("one-shot", false);
        try {
            if (!stream) {
                res.json(200, stats.once(c, oneShot));
                return;
            }
            OutputStream out = res.stream(200, null);
            stats.stream(c, sample -> {
                byte[] json = Json.write(sample);
                byte[] line = new byte[json.length + 1];
                System.arraycopy(json, 0, line, 0, json.length);
                line[json.length] = '\n';
                out.write(line); // one chunk per sample, flushed by the chunked stream
            });
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            res.closeConnection();
        }
    }
}
