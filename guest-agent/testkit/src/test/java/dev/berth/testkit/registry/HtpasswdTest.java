package dev.berth.testkit.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

class HtpasswdTest {
    @Test
    void writesABcryptLineThatChecksOnlyTheRightPassword() {
        String line = Htpasswd.line("alice", "wonderland");
        assertTrue(line.startsWith("alice:$2a$05$"), line);
        String hash = line.substring("alice:".length());
        assertTrue(BCrypt.checkpw("wonderland", hash));
        assertFalse(BCrypt.checkpw("wonderlan", hash));
    }

    @Test
    void saltsEveryLine() {
        assertFalse(Htpasswd.line("alice", "x").equals(Htpasswd.line("alice", "x")));
    }

    @Test
    void theApacheSpellingOnlyChangesThePrefix() {
        String line = Htpasswd.line("alice", "wonderland");
        String apache = Htpasswd.apachePrefix(line);
        assertTrue(apache.startsWith("alice:$2y$05$"), apache);
        assertTrue(apache.substring(10).equals(line.substring(10)));
    }

    @Test
    void refusesUserNamesThatWouldBreakTheFile() {
        assertThrows(IllegalArgumentException.class, () -> Htpasswd.line("a:b", "x"));
        assertThrows(IllegalArgumentException.class, () -> Htpasswd.line("a", "x\ny"));
    }
}
