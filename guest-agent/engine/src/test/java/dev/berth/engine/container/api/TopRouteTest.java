package dev.berth.engine.container.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docker top: rows of the container's processes only; the command column keeps its spaces. */
class TopRouteTest {
    static final List<String> PS = List.of(
            "UID          PID    PPID  C STIME TTY          TIME CMD",
            "root           1       0  0 10:00 ?        00:00:01 /sbin/init",
            "root         812     800  0 10:01 ?        00:00:00 httpd -f -v -p 80 -h /www",
            "nobody       813     812  0 10:01 ?        00:00:00 sleep 60");

    @Test
    void keepsTheContainersRows() {
        Map<String, Object> top = TopRoute.parse(PS, Set.of(812L, 813L));
        assertEquals(List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"), top.get("Titles"));
        assertEquals(List.of(List.of("root", "812", "800", "0", "10:01", "?", "00:00:00", "httpd -f -v -p 80 -h /www"),
                List.of("nobody", "813", "812", "0", "10:01", "?", "00:00:00", "sleep 60")), top.get("Processes"));
    }

    @Test
    void psArgumentsWithoutAPidColumnAreRefused() {
        assertThrows(InvalidArgumentException.class, () -> TopRoute.parse(List.of("USER COMMAND", "root x"), Set.of(1L)));
    }
}
