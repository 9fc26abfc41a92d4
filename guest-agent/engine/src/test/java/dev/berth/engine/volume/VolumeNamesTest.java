package dev.berth.engine.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class VolumeNamesTest {
    @Test
    void namesFollowTheLocalDriversPattern() {
        for (String ok : new String[] {"dbdata", "a1", "my_vol.2-x", "0abc"}) {
            assertTrue(VolumeNames.valid(ok), ok);
        }
        for (String bad : new String[] {"a", "", "..", "../x", "a/b", "/abs", ".hidden", "-x", "a b", "a:b", null}) {
            assertFalse(VolumeNames.valid(bad), String.valueOf(bad));
        }
    }

    @Test
    void aBadNameIsA400WithDockersText() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> VolumeNames.check("a/b"));
        assertEquals("create a/b: \"a/b\" includes invalid characters for a local volume name, only "
                + "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute "
                + "path", e.getMessage());
    }

    @Test
    void anonymousNamesAre64HexDigits() {
        String a = VolumeNames.random();
        assertTrue(a.matches("[0-9a-f]{64}"), a);
        assertNotEquals(a, VolumeNames.random());
    }
}
