package dev.berth.engine;

import dev.berth.api.http.HttpLimits;
import dev.berth.engine.api.ApiServer;
import dev.berth.engine.api.Router;
import dev.berth.engine.system.SystemRoutes;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running engine: its stores and services, wired together, and the API server in front of them. */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final EngineConfig config;
    private ApiServer server;

    public Engine(EngineConfig config) {
        this.config = config;
    }

    public void start() throws IOException {
        Files.createDirectories(config.root());
        Router router = new Router();
        new SystemRoutes(config).register(router);
        server = new ApiServer(router, HttpLimits.DEFAULT);
        server.listenUnix(config.socket(), config.socketOwner());
        if (config.tcp() != null) {
            server.listenTcp(config.tcp());
        }
        log.info("engine {} ready, root {}", EngineVersion.BERTH, config.root());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        try {
            Files.deleteIfExists(config.socket());
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", config.socket(), e.toString());
        }
    }
}
