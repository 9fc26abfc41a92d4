package dev.berth.engine.store.content;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalContentStoreTest extends ContentStoreContract {
    @TempDir
    Path dir;

    private ContentStore current;

    @Override
    protected ContentStore store() throws IOException {
        current = new LocalContentStore(dir);
        return current;
    }

    @Override
    protected ContentStore reopen() throws IOException {
        return new LocalContentStore(dir);
    }

    @Test
    void committedBlobsAreReadOnlyFiles() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ro", DIGEST, DATA.length)) {
            w.stream().write(DATA);
            w.commit();
        }
        assertFalse(Files.getPosixFilePermissions(s.path(DIGEST))
                .contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
    }
}
