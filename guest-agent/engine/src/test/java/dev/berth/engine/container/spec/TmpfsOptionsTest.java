package dev.berth.engine.container.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --tmpfs options merged as moby's MergeTmpfsOptions merges them. */
class TmpfsOptionsTest {

    @Test
    void aPlainTmpfsGetsDockersDefaults() {
        assertEquals(new SpecInput.MountSpec("/tmp", "tmpfs", "tmpfs", List.of("noexec", "nosuid", "nodev",
                "rprivate")), TmpfsOptions.mount("/tmp", ""));
    }

    @Test
    void theLastWordPerFlagOrKeyWins() {
        assertEquals(List.of("nosuid", "nodev", "rprivate", "exec", "size=1m"),
                TmpfsOptions.mount("/run", "exec,size=1m").options());
        assertEquals(List.of("noexec", "nosuid", "nodev", "rshared", "mode=1777", "size=2m"),
                TmpfsOptions.merge(List.of("noexec", "nosuid", "nodev", "rprivate", "size=1m", "rshared",
                        "defaults", "mode=1777", "size=2m")));
    }

    @Test
    void unknownWordsAreRefusedInDockersWords() {
        assertEquals("Invalid tmpfs option [\"foo\"]", assertThrows(InvalidArgumentException.class,
                () -> TmpfsOptions.mount("/tmp", "foo")).getMessage());
        assertEquals("Invalid tmpfs option [\"bar\" \"1\"]", assertThrows(InvalidArgumentException.class,
                () -> TmpfsOptions.mount("/tmp", "bar=1")).getMessage());
    }
}
