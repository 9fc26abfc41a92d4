package dev.berth.engine.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.network.model.NetworkRecord;
import dev.berth.engine.store.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkStoreTest {
    @TempDir
    Path dir;

    static NetworkRecord net(String id, String name) {
        return new NetworkRecord(id, name, "bridge", Instant.parse("2026-01-02T03:04:05Z"), "10.209.1.0/24",
                "10.209.1.1", "br-" + id.substring(0, 12), true, true, true, Map.of("team", "a"),
                Map.of("com.docker.network.bridge.name", "x"));
    }

    @Test
    void aRecordReadsBackExactlyAfterARestart() throws Exception {
        NetworkRecord r = net("a".repeat(64), "backend");
        new NetworkStore(dir).add(r);
        NetworkRecord back = new NetworkStore(dir).get("backend");
        assertEquals(r, back, "every field survives, the bridge's name included");
        assertEquals("br-aaaaaaaaaaaa", back.bridge());
        assertTrue(back.bridgeDriver());
    }

    @Test
    void lookupsAreByIdNameThenUniquePrefix() throws Exception {
        NetworkStore s = new NetworkStore(dir);
        s.add(net("ab" + "0".repeat(62), "one"));
        s.add(net("ac" + "0".repeat(62), "two"));
        assertEquals("one", s.get("ab").name());
        assertTrue(s.find("a").isEmpty(), "an ambiguous prefix finds nothing");
        assertEquals("two", s.get("two").name());
        assertThrows(ConflictException.class, () -> s.add(net("ad" + "0".repeat(62), "one")));
    }

    @Test
    void removalAndLeftoverTempsDoNotComeBack() throws Exception {
        NetworkStore s = new NetworkStore(dir);
        NetworkRecord r = net("b".repeat(64), "gone");
        s.add(r);
        s.remove(r);
        Files.writeString(dir.resolve(AtomicFiles.TEMP_PREFIX + "x.json"), "{half");
        NetworkStore again = new NetworkStore(dir);
        assertTrue(again.all().isEmpty());
        assertTrue(Files.notExists(dir.resolve(AtomicFiles.TEMP_PREFIX + "x.json")));
    }
}
