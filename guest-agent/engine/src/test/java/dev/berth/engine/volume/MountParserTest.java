package dev.berth.engine.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.model.HostConfig;
import dev.berth.engine.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountParserTest {
    @TempDir
    Path dir;

    static HostConfig.Mount mount(String type, String source, String target, Boolean ro, Map<String, Object> bind,
            Map<String, Object> volume) {
        return new HostConfig.Mount(type, source, target, ro, null, bind, volume, null);
    }

    @Test
    void aBindNeedsAnExistingSource() {
        MountPoint m = MountParser.parse(mount("bind", dir.toString(), "/app", true,
                Map.of("Propagation", "rslave"), null));
        assertEquals(MountPoint.BIND, m.type());
        assertFalse(m.rw());
        assertEquals("rslave", m.propagation());
        assertFalse(m.createSource(), "--mount never creates the source");
        InvalidArgumentException missing = assertThrows(InvalidArgumentException.class,
                () -> MountParser.parse(mount("bind", "/x-no-such-dir", "/app", null, null, null)));
        assertEquals("invalid mount config for type \"bind\": bind source path does not exist: /x-no-such-dir",
                missing.getMessage());
    }

    @Test
    void aVolumeMayBeAnonymousAndTakesNoCopyAndLabels() {
        MountPoint named = MountParser.parse(mount("volume", "cache", "/c", null, null,
                Map.of("NoCopy", true, "Labels", Map.of("a", "b"))));
        assertEquals("cache", named.name());
        assertFalse(named.copyData());
        assertEquals(Map.of("a", "b"), named.volumeLabels());
        assertTrue(named.rw());
        assertNull(MountParser.parse(mount("volume", "", "/c", null, null, null)).name());
    }

    @Test
    void invalidMountsGetDockersTexts() {
        assertEquals("invalid mount config for type \"volume\": field Target must not be empty",
                assertThrows(InvalidArgumentException.class,
                        () -> MountParser.parse(mount("volume", "v", "", null, null, null))).getMessage());
        assertEquals("invalid mount config for type \"bind\": field Source must not be empty",
                assertThrows(InvalidArgumentException.class,
                        () -> MountParser.parse(mount("bind", null, "/x", null, null, null))).getMessage());
        assertEquals("invalid mount config: mount type unknown: \"nfs\"",
                assertThrows(InvalidArgumentException.class,
                        () -> MountParser.parse(mount("nfs", null, "/x", null, null, null))).getMessage());
        assertTrue(assertThrows(InvalidArgumentException.class,
                () -> MountParser.parse(mount("volume", "a/b", "/x", null, null, null))).getMessage()
                .contains("includes invalid characters for a local volume name"));
    }

    @Test
    void tmpfsOptionsBecomeTmpfsWords() {
        MountPoint t = MountParser.parse(new HostConfig.Mount("tmpfs", null, "/run", null, null, null, null,
                Map.of("SizeBytes", 1048576, "Mode", 01777)));
        assertEquals("size=1048576,mode=1777", t.tmpfsOptions());
    }
}
