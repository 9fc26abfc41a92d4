package dev.berth.vm.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BerthPathsTest {
    @Test
    void defaultsToDotBerthInTheHomeDirectory() {
        BerthPaths p = BerthPaths.from(Map.of(), "/home/ada");
        assertEquals(Path.of("/home/ada/.berth/run/docker.sock"), p.socket());
        assertEquals("unix:///home/ada/.berth/run/docker.sock", p.dockerHost());
        assertNull(p.socketOwner());
    }

    @Test
    void berthHomeOverridesEverything() {
        BerthPaths p = BerthPaths.from(Map.of("BERTH_HOME", "/srv/berth"), "/root");
        assertEquals(Path.of("/srv/berth/engine"), p.engineRoot());
        assertEquals(Path.of("/srv/berth/logs/engine.log"), p.engineLog());
    }

    @Test
    void underSudoTheSocketBelongsToTheInvokingUser() {
        BerthPaths p = BerthPaths.from(Map.of("SUDO_UID", "1000", "SUDO_GID", "1001", "SUDO_USER", "root"), "/root");
        assertEquals("1000:1001", p.socketOwner());
        // SUDO_USER=root resolves through /etc/passwd to root's own home.
        assertEquals(Path.of("/root/.berth"), p.home());
    }
}
