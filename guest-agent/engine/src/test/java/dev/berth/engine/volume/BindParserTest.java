package dev.berth.engine.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class BindParserTest {
    @Test
    void anAbsoluteSourceIsABindWithDockersDefaults() {
        MountPoint m = BindParser.parse("/srv/app:/app");
        assertEquals(MountPoint.BIND, m.type());
        assertEquals("/srv/app", m.source());
        assertEquals("/app", m.destination());
        assertTrue(m.rw());
        assertEquals("", m.mode());
        assertEquals("rprivate", m.propagation());
        assertTrue(m.createSource(), "-v creates a missing host directory");
        assertNull(m.name());
    }

    @Test
    void modesSetAccessAndPropagation() {
        MountPoint ro = BindParser.parse("/srv:/app:ro");
        assertFalse(ro.rw());
        assertEquals("ro", ro.mode());
        MountPoint shared = BindParser.parse("/srv:/app:rw,rshared");
        assertTrue(shared.rw());
        assertEquals("rshared", shared.propagation());
    }

    @Test
    void aNameIsAVolumeShownWithModeZ() {
        MountPoint m = BindParser.parse("dbdata:/var/lib/db");
        assertEquals(MountPoint.VOLUME, m.type());
        assertEquals("dbdata", m.name());
        assertEquals("z", m.mode());
        assertEquals("", m.propagation());
        assertTrue(m.copyData());
        assertFalse(BindParser.parse("dbdata:/x:nocopy").copyData());
        assertFalse(BindParser.parse("dbdata:/x:ro").rw());
    }

    @Test
    void aBareDestinationIsAnAnonymousVolume() {
        MountPoint m = BindParser.parse("/data");
        assertEquals(MountPoint.VOLUME, m.type());
        assertNull(m.name());
        assertEquals("/data", m.destination());
        MountPoint ro = BindParser.parse("/data:ro");
        assertEquals(MountPoint.VOLUME, ro.type(), "dst:mode, as moby's parser reads two parts ending in a mode");
        assertFalse(ro.rw());
    }

    @Test
    void destinationsAreCleanedAndMustBeAbsoluteAndNotRoot() {
        assertEquals("/b", BindParser.parse("/a:/x/../b").destination());
        InvalidArgumentException rel = assertThrows(InvalidArgumentException.class, () -> BindParser.parse("/a:b"));
        assertEquals("invalid volume specification: '/a:b': invalid mount config for type \"bind\": invalid mount "
                + "path: 'b' mount path must be absolute", rel.getMessage());
        InvalidArgumentException root = assertThrows(InvalidArgumentException.class,
                () -> BindParser.parse("vol:/x/.."));
        assertTrue(root.getMessage().endsWith("destination can't be '/'"), root.getMessage());
    }

    @Test
    void badSpecsAndModesAreRefusedWithDockersTexts() {
        assertEquals("invalid volume specification: 'a:b:c:d'",
                assertThrows(InvalidArgumentException.class, () -> BindParser.parse("a:b:c:d")).getMessage());
        assertEquals("invalid volume specification: ':/x'",
                assertThrows(InvalidArgumentException.class, () -> BindParser.parse(":/x")).getMessage());
        assertEquals("invalid mode: xx",
                assertThrows(InvalidArgumentException.class, () -> BindParser.parse("/a:/b:xx")).getMessage());
        assertEquals("invalid mode: ro,rw",
                assertThrows(InvalidArgumentException.class, () -> BindParser.parse("/a:/b:ro,rw")).getMessage());
    }
}
