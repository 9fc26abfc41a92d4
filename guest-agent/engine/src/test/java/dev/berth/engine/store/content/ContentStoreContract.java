package dev.berth.engine.store.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.errors.UnavailableException;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The behaviours every {@link ContentStore} must have (after containerd's content test suite). An
 * implementation's test subclasses this and says how to open a store on a directory; {@link #reopen()}
 * simulates an engine restart on the same data.
 */
public abstract class ContentStoreContract {
    protected abstract ContentStore store() throws IOException;

    /** A new store instance over the same data, as after a crash and restart. */
    protected abstract ContentStore reopen() throws IOException;

    static final byte[] DATA = "hello, content store\n".repeat(1000).getBytes();
    static final Digest DIGEST = Digest.sha256(DATA);

    @Test
    void writtenBlobsCanBeReadBack() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-1", DIGEST, DATA.length)) {
            w.stream().write(DATA);
            assertEquals(DATA.length, w.commit().size());
        }
        assertArrayEquals(DATA, s.read(DIGEST, DATA.length));
        assertEquals(DATA.length, s.info(DIGEST).orElseThrow().size());
        assertTrue(s.list().stream().anyMatch(b -> b.digest().equals(DIGEST)));
    }

    @Test
    void commitRefusesWrongDigestAndLeavesNothing() throws IOException {
        ContentStore s = store();
        byte[] wrong = Arrays.copyOf(DATA, DATA.length);
        wrong[100] ^= 1;
        IngestWriter w = s.writer("ref-bad", DIGEST, DATA.length);
        w.stream().write(wrong);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, w::commit);
        assertTrue(e.getMessage().contains(DIGEST.toString()), e.getMessage());
        assertTrue(s.info(DIGEST).isEmpty());
        try (IngestWriter again = s.writer("ref-bad", DIGEST, DATA.length)) {
            assertEquals(0, again.offset(), "a failed commit discards the ingest");
        }
    }

    @Test
    void commitRefusesWrongSize() throws IOException {
        ContentStore s = store();
        IngestWriter w = s.writer("ref-short", DIGEST, DATA.length + 1);
        w.stream().write(DATA);
        assertThrows(InvalidArgumentException.class, w::commit);
        assertTrue(s.info(DIGEST).isEmpty());
    }

    @Test
    void closedIngestResumesWhereItStopped() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-resume", DIGEST, DATA.length)) {
            w.stream().write(DATA, 0, 5000);
        }
        try (IngestWriter w = s.writer("ref-resume", DIGEST, DATA.length)) {
            assertEquals(5000, w.offset());
            w.stream().write(DATA, 5000, DATA.length - 5000);
            w.commit();
        }
        assertArrayEquals(DATA, s.read(DIGEST, DATA.length));
    }

    @Test
    void ingestSurvivesARestart() throws IOException {
        ContentStore s = store();
        IngestWriter w = s.writer("ref-crash", DIGEST, DATA.length);
        w.stream().write(DATA, 0, 7000);
        // no close(): the engine died mid-write
        ContentStore after = reopen();
        try (IngestWriter w2 = after.writer("ref-crash", DIGEST, DATA.length)) {
            assertEquals(7000, w2.offset());
            w2.stream().write(DATA, 7000, DATA.length - 7000);
            w2.commit();
        }
        assertArrayEquals(DATA, after.read(DIGEST, DATA.length));
    }

    @Test
    void resetStartsOverWhenTheServerIgnoresRange() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-reset", DIGEST, DATA.length)) {
            w.stream().write(new byte[3000]);
        }
        try (IngestWriter w = s.writer("ref-reset", DIGEST, DATA.length)) {
            w.reset();
            assertEquals(0, w.offset());
            w.stream().write(DATA);
            w.commit();
        }
        assertArrayEquals(DATA, s.read(DIGEST, DATA.length));
    }

    @Test
    void readWrittenReplaysThePartialData() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-replay", DIGEST, DATA.length)) {
            w.stream().write(DATA, 0, 4321);
            assertArrayEquals(Arrays.copyOf(DATA, 4321), w.readWritten().readAllBytes());
        }
    }

    @Test
    void committingAnExistingBlobIsIdempotent() throws IOException {
        ContentStore s = store();
        for (String ref : new String[] {"ref-a", "ref-b"}) {
            try (IngestWriter w = s.writer(ref, DIGEST, DATA.length)) {
                w.stream().write(DATA);
                w.commit();
            }
        }
        assertEquals(1, s.list().stream().filter(b -> b.digest().equals(DIGEST)).count());
    }

    @Test
    void oneWriterPerRef() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-lock", DIGEST, DATA.length)) {
            assertThrows(UnavailableException.class, () -> s.writer("ref-lock", DIGEST, DATA.length));
        }
        s.writer("ref-lock", DIGEST, DATA.length).close(); // released on close
    }

    @Test
    void abortDiscards() throws IOException {
        ContentStore s = store();
        IngestWriter w = s.writer("ref-abort", DIGEST, DATA.length);
        w.stream().write(DATA, 0, 100);
        w.abort();
        try (IngestWriter again = s.writer("ref-abort", DIGEST, DATA.length)) {
            assertEquals(0, again.offset());
        }
    }

    @Test
    void missingBlobsAreNotFound() throws IOException {
        ContentStore s = store();
        assertThrows(NotFoundException.class, () -> s.open(Digest.sha256(new byte[] {42})));
        assertTrue(s.info(Digest.sha256(new byte[] {42})).isEmpty());
    }

    @Test
    void deleteRemovesTheBlob() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-del", DIGEST, DATA.length)) {
            w.stream().write(DATA);
            w.commit();
        }
        s.delete(DIGEST);
        assertFalse(s.info(DIGEST).isPresent());
        s.delete(DIGEST); // twice is fine
    }

    @Test
    void staleIngestsAreRemovedButFreshOnesKept() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-old", DIGEST, DATA.length)) {
            w.stream().write(DATA, 0, 10);
        }
        assertEquals(0, s.removeStaleIngests(Duration.ofHours(1)));
        assertEquals(1, s.removeStaleIngests(Duration.ofMillis(-1)));
        try (IngestWriter w = s.writer("ref-old", DIGEST, DATA.length)) {
            assertEquals(0, w.offset());
        }
    }

    @Test
    void oversizedReadsAreRefused() throws IOException {
        ContentStore s = store();
        try (IngestWriter w = s.writer("ref-big", DIGEST, DATA.length)) {
            w.stream().write(DATA);
            w.commit();
        }
        assertThrows(InvalidArgumentException.class, () -> s.read(DIGEST, 10));
    }
}
