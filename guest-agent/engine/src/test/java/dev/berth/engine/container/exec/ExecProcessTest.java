package dev.berth.engine.container.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An exec's env overrides the container's by Docker's rules. */
class ExecProcessTest {
    @Test
    void replacesAppendsAndRemoves() {
        List<String> base = List.of("PATH=/bin", "HOSTNAME=c1", "A=1", "B=2");
        assertEquals(List.of("PATH=/bin", "HOSTNAME=c1", "B=2", "A=9", "C=3"),
                ExecProcess.replaceOrAppend(base, List.of("A=9", "C=3")));
        assertEquals(List.of("PATH=/bin", "HOSTNAME=c1", "A=1"), ExecProcess.replaceOrAppend(base, List.of("B")),
                "a bare key removes the variable");
        assertEquals(base, ExecProcess.replaceOrAppend(base, null));
    }
}
