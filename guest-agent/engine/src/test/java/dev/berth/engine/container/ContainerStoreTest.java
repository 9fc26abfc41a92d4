package dev.berth.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.errors.ConflictException;
import dev.berth.engine.errors.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container store: lookups as Docker's, names unique, state on disk before it is visible, crash leftovers. */
class ContainerStoreTest {
    @TempDir
    Path root;

    static ContainerRecord record(String id, String name) {
        return new ContainerRecord(id, name, Instant.parse("2026-11-22T12:00:00Z"), "busybox", null, "true",
                List.of(), null, null, List.of(), null, "runc");
    }

    static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void findsByIdPrefixAndNameWithOrWithoutSlash() throws Exception {
        ContainerStore s = new ContainerStore(root);
        s.add(record(id('a'), "/web"));
        s.add(record("ab" + "c".repeat(62), "/db"));
        assertEquals(id('a'), s.get("web").id());
        assertEquals(id('a'), s.get("/web").id());
        assertEquals(id('a'), s.get("aaaa").id(), "a unique prefix");
        assertTrue(s.find("a").isEmpty(), "an ambiguous prefix finds nothing");
        assertEquals("No such container: nope", assertThrows(NotFoundException.class, () -> s.get("nope")).getMessage());
    }

    @Test
    void namesAreUniqueAndRenamesFreeTheOldName() throws Exception {
        ContainerStore s = new ContainerStore(root);
        Container web = s.add(record(id('a'), "/web"));
        assertThrows(ConflictException.class, () -> s.add(record(id('b'), "/web")));
        s.rename(web, "/web2");
        s.add(record(id('b'), "/web"));
        assertEquals(id('a'), s.get("web2").id());
    }

    @Test
    void survivesARestartAndDropsCrashLeftovers() throws Exception {
        ContainerStore s = new ContainerStore(root);
        Container c = s.add(record(id('a'), "/web"));
        s.saveState(c, c.state().started(99, Instant.now(), null));
        Files.createDirectories(root.resolve("containers/" + id('f'))); // a create cut before its record
        Files.writeString(c.paths().dir().resolve(".tmp-state.json-123"), "{half");

        ContainerStore again = new ContainerStore(root);
        assertEquals(99, again.get("web").state().pid());
        assertEquals(1, again.all().size());
        assertFalse(Files.exists(root.resolve("containers/" + id('f'))));
        assertFalse(Files.exists(c.paths().dir().resolve(".tmp-state.json-123")));
    }

    @Test
    void removalFreesNameAndFiles() throws Exception {
        ContainerStore s = new ContainerStore(root);
        Container c = s.add(record(id('a'), "/web"));
        s.remove(c);
        assertTrue(c.removed().isDone());
        assertFalse(Files.exists(c.paths().dir()));
        s.add(record(id('b'), "/web"));
    }
}
