package dev.berth.engine.container.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** docker cp path semantics (moby's PreserveTrailingDotOrSeparator), checked against dockerd 20.10's answers. */
class CpPathTest {
    @Test
    void plainPathNamesItsLastElement() {
        CpPath p = CpPath.parse("/www/index.html");
        assertEquals("/www/index.html", p.clean());
        assertEquals("www", p.parentRel());
        assertEquals("index.html", p.leaf());
        assertEquals("index.html", p.baseName());
        assertFalse(p.assertsDir());
    }

    @Test
    void trailingSlashAssertsADirectoryButKeepsTheName() {
        CpPath p = CpPath.parse("/www/");
        assertTrue(p.assertsDir());
        assertFalse(p.currentDir());
        assertEquals("/www", p.clean());
        assertEquals("www", p.baseName());
    }

    @Test
    void trailingDotMeansTheContents() {
        CpPath p = CpPath.parse("/www/.");
        assertTrue(p.assertsDir() && p.currentDir());
        assertEquals("/www", p.clean());
        assertEquals(".", p.baseName(), "dockerd archives /www/. as ./ and ./index.html");
    }

    @Test
    void rootIsNamedSlash() {
        assertEquals("/", CpPath.parse("/").baseName());
        assertTrue(CpPath.parse("/").isRoot());
        assertEquals("", CpPath.parse("/").rel());
        assertEquals(".", CpPath.parse("/.").baseName());
        assertEquals(".", CpPath.parse(".").baseName());
    }

    @Test
    void dotDotNeverClimbsAboveTheRoot() {
        assertEquals("/www", CpPath.parse("/../../www").clean());
        assertEquals("/www", CpPath.parse("/www/../www").clean());
        assertEquals("/etc", CpPath.parse("../../../../etc").clean());
        assertEquals("/", CpPath.parse("/..").clean());
    }

    @Test
    void relativePathsAreFromTheRoot() {
        CpPath p = CpPath.parse("www");
        assertEquals("/www", p.clean());
        assertEquals("www", p.raw(), "errors quote the path as the client sent it");
        assertEquals("/a/b", CpPath.parse("//a//./b/").clean());
    }
}
