package dev.berth.engine.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeStoreTest {
    @TempDir
    Path dir;

    static VolumeRecord vol(String name) {
        return new VolumeRecord(name, "local", Instant.parse("2026-11-22T08:32:22Z"), Map.of("mine", "1"), null);
    }

    @Test
    void aVolumeAndItsDataSurviveARestart() throws Exception {
        VolumeStore s = new VolumeStore(dir);
        s.add(vol("dbdata"));
        Files.writeString(s.data("dbdata").resolve("f"), "x");
        VolumeStore again = new VolumeStore(dir);
        assertEquals(vol("dbdata"), again.get("dbdata"));
        assertEquals("x", Files.readString(again.data("dbdata").resolve("f")));
        assertEquals(dir.resolve("dbdata/_data"), again.data("dbdata"));
    }

    @Test
    void addingAnExistingNameReturnsTheExistingVolume() throws Exception {
        VolumeStore s = new VolumeStore(dir);
        VolumeRecord first = s.add(vol("v1"));
        assertSame(first, s.add(new VolumeRecord("v1", "local", Instant.now(), Map.of(), null)));
    }

    @Test
    void aDirectoryWithoutARecordIsAnInterruptedCreateAndGoes() throws Exception {
        Files.createDirectories(dir.resolve("half/_data"));
        Files.createDirectories(dir.resolve("not a volume name")); // never ours: left alone
        VolumeStore s = new VolumeStore(dir);
        assertTrue(s.all().isEmpty());
        assertFalse(Files.exists(dir.resolve("half")));
        assertTrue(Files.exists(dir.resolve("not a volume name")));
    }

    @Test
    void removeDropsRecordAndData() throws Exception {
        VolumeStore s = new VolumeStore(dir);
        s.add(vol("gone"));
        s.remove("gone");
        assertFalse(Files.exists(dir.resolve("gone")));
        NotFoundException e = assertThrows(NotFoundException.class, () -> s.get("gone"));
        assertEquals("get gone: no such volume", e.getMessage());
        assertTrue(new VolumeStore(dir).find("gone").isEmpty());
    }
}
