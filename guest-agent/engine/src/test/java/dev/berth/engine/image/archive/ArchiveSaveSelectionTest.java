package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.errors.NotFoundException;
import dev.berth.engine.image.ImageRecord;
import dev.berth.engine.image.Reference;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which images and tags docker save writes for a list of names (moby's rules); no unpacking, no root. */
class ArchiveSaveSelectionTest {
    ArchiveTestStores stores;
    Digest one;
    Digest two;

    @BeforeEach
    void setUp() throws IOException {
        stores = new ArchiveTestStores();
        one = image("one", "busybox:latest", "busybox:1.36", "localhost:5000/bb:1");
        two = image("two", "busybox:old");
        stores.images.register(stores.images.store().get(one).orElseThrow(),
                List.of(Reference.parse("docker.io/library/busybox@" + Digest.sha256("manifest".getBytes()))));
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    private Digest image(String seed, String... tags) throws IOException {
        Digest id = Digest.sha256(seed.getBytes());
        ImageRecord r = new ImageRecord(id, MediaTypes.DOCKER_CONFIG, null, null, null, List.of(), null, null, 0, null);
        stores.images.register(r, List.of(tags).stream().map(Reference::parse).toList());
        return id;
    }

    private List<String> select(String... names) {
        return SaveSelection.resolve(stores.images, List.of(names)).stream()
                .map(s -> s.record().id().hex().substring(0, 4) + "=" + s.tags().stream()
                        .map(Reference::familiarString).toList())
                .toList();
    }

    @Test
    void aTagSavesThatTagAndARepositorySavesAllItsTags() {
        String a = one.hex().substring(0, 4);
        String b = two.hex().substring(0, 4);
        assertEquals(List.of(a + "=[busybox:1.36]"), select("busybox:1.36"));
        assertEquals(List.of(a + "=[busybox:latest]"), select("docker.io/library/busybox:latest"));
        assertEquals(List.of(a + "=[busybox:1.36, busybox:latest]", b + "=[busybox:old]"), select("busybox"));
        assertEquals(List.of(a + "=[localhost:5000/bb:1, busybox:latest]"),
                select("localhost:5000/bb:1", "busybox:latest", "busybox:latest"));
    }

    @Test
    void digestsAndIdsSaveUntagged() {
        String a = one.hex().substring(0, 4);
        assertEquals(List.of(a + "=[]"), select("busybox@" + Digest.sha256("manifest".getBytes())));
        assertEquals(List.of(a + "=[]"), select(one.toString()));
        assertEquals(List.of(a + "=[]"), select(one.hex().substring(0, 12)));
        assertEquals(List.of(a + "=[busybox:latest]"), select(one.hex(), "busybox:latest"));
    }

    @Test
    void anUnknownNameFailsBeforeAnythingIsWritten() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> stores.archives.save(List.of("busybox:latest", "nosuch"), out));
        assertEquals("No such image: nosuch:latest", e.getMessage());
        assertEquals(0, out.size(), "nothing was written");
        assertThrows(NotFoundException.class, () -> stores.archives.save(List.of("busybox:nope"), out));
        assertEquals(List.of(), stores.imageEvents("save"));
    }
}
