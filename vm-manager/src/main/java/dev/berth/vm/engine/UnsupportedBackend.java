package dev.berth.vm.engine;

import java.io.IOException;
import java.nio.file.Path;

/** macOS and Windows: the engine runs in a VM there, and the VM manager is not built yet. */
final class UnsupportedBackend implements EngineBackend {
    private final String os;
    private final BerthPaths paths;

    UnsupportedBackend(String os, BerthPaths paths) {
        this.os = os;
        this.paths = paths;
    }

    @Override
    public EngineStatus start() throws IOException {
        throw new IOException("on " + os + " the engine runs in Berth's VM, which is not built yet; "
                + "today Berth runs containers on Linux hosts only (see README)");
    }

    @Override
    public void stop() throws IOException {
        start();
    }

    @Override
    public java.util.List<String> uninstall() throws IOException {
        start();
        return java.util.List.of();
    }

    @Override
    public EngineStatus status() {
        return EngineStatus.stopped(dockerHost());
    }

    @Override
    public String dockerHost() {
        return paths.dockerHost();
    }

    @Override
    public Path logFile() {
        return paths.engineLog();
    }
}
