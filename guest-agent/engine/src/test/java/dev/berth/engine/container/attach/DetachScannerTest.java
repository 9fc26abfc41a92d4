package dev.berth.engine.container.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DetachScannerTest {
    static final byte P = 0x10;
    static final byte Q = 0x11;

    @Test
    void ctrlPCtrlQDetachesAndIsNotForwarded() {
        DetachScanner s = new DetachScanner(new byte[] {P, Q});
        assertArrayEquals("ab".getBytes(), s.feed(new byte[] {'a', 'b', P, Q, 'c'}, 0, 5));
        assertTrue(s.detached());
    }

    @Test
    void aSequenceSplitAcrossChunksStillDetaches() {
        DetachScanner s = new DetachScanner(new byte[] {P, Q});
        assertArrayEquals(new byte[] {'x'}, s.feed(new byte[] {'x', P}, 0, 2));
        assertFalse(s.detached());
        assertArrayEquals(new byte[0], s.feed(new byte[] {Q}, 0, 1));
        assertTrue(s.detached());
    }

    @Test
    void aHeldPrefixIsForwardedWhenTheSequenceDoesNotComplete() {
        DetachScanner s = new DetachScanner(new byte[] {P, Q});
        assertArrayEquals(new byte[0], s.feed(new byte[] {P}, 0, 1));
        assertArrayEquals(new byte[] {P, 'y'}, s.feed(new byte[] {'y'}, 0, 1));
        assertArrayEquals(new byte[] {P}, s.feed(new byte[] {P, P}, 0, 2), "ctrl-p ctrl-p: the first is input");
        assertFalse(s.detached());
        s.feed(new byte[] {Q}, 0, 1);
        assertTrue(s.detached());
    }

    @Test
    void parsesDockersKeySyntax() {
        assertArrayEquals(new byte[] {P, Q}, DetachKeys.parse("ctrl-p,ctrl-q", null));
        assertArrayEquals(new byte[] {0, 'a'}, DetachKeys.parse("ctrl-@,a", null));
    }
}
