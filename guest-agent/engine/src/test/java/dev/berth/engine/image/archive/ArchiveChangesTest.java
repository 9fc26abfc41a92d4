package dev.berth.engine.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.oci.RuntimeConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --change instructions of docker import, and the Dockerfile word rules they use. */
class ArchiveChangesTest {

    private static RuntimeConfig apply(String... changes) {
        return ChangeInstructions.apply(RuntimeConfig.empty(), List.of(changes));
    }

    @Test
    void commandsInExecAndShellForm() {
        assertEquals(List.of("sh"), apply("CMD [\"sh\"]").cmd());
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME && ls"), apply("CMD echo $HOME && ls").cmd());
        assertEquals(List.of("/bin/sh", "-c", "[not json"), apply("cmd [not json").cmd());
        RuntimeConfig c = apply("ENTRYPOINT [\"/bin/app\", \"--flag\"]");
        assertEquals(List.of("/bin/app", "--flag"), c.entrypoint());
    }

    @Test
    void entrypointDropsTheInheritedCmdButNotOneSetBefore() {
        RuntimeConfig base = RuntimeConfig.empty().withCmd(List.of("old"));
        assertNull(ChangeInstructions.apply(base, List.of("ENTRYPOINT [\"x\"]")).cmd());
        assertEquals(List.of("new"), ChangeInstructions.apply(base, List.of("CMD [\"new\"]", "ENTRYPOINT [\"x\"]")).cmd());
    }

    @Test
    void envAndLabelsWithQuotesAndExpansion() {
        RuntimeConfig c = apply("ENV A=1 B=\"two words\"", "ENV C=${A}-$B D='$A'", "ENV A=3", "ENV LEGACY some value",
                "LABEL k=v \"x y\"=\"z w\" ref=${C:-none} alt=${NOPE:-dflt} plus=${A:+set}");
        assertEquals(List.of("A=3", "B=two words", "C=1-two words", "D=$A", "LEGACY=some value"), c.env());
        assertEquals(Map.of("k", "v", "x y", "z w", "ref", "1-two words", "alt", "dflt", "plus", "set"), c.labels());
    }

    @Test
    void exposeVolumeWorkdirUserStopsignal() {
        RuntimeConfig c = apply("EXPOSE 80 8080/tcp 53/UDP 7000-7002", "VOLUME /data [\"x\"]", "VOLUME [\"/a\", \"/b\"]",
                "WORKDIR /srv", "WORKDIR app/../web", "USER nobody:nogroup", "STOPSIGNAL SIGQUIT",
                "ENV D=/logs", "VOLUME $D");
        assertEquals(List.of("53/udp", "7000/tcp", "7001/tcp", "7002/tcp", "80/tcp", "8080/tcp"),
                List.copyOf(c.exposedPorts().keySet()));
        assertEquals(List.of("/a", "/b", "/data", "/logs", "[x]"), List.copyOf(c.volumes().keySet()),
                "words, not JSON, once the first is not a JSON array: quotes go as in a shell");
        assertEquals("/srv/web", c.workingDir());
        assertEquals("nobody:nogroup", c.user());
        assertEquals("SIGQUIT", c.stopSignal());
    }

    @Test
    void healthcheckAndOnbuild() {
        RuntimeConfig c = apply("HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f http://x/",
                "ONBUILD run echo hi");
        assertEquals(List.of("CMD-SHELL", "curl -f http://x/"), c.healthcheck().test());
        assertEquals(90_000_000_000L, c.healthcheck().interval());
        assertEquals(500_000_000L, c.healthcheck().timeout());
        assertEquals(3, c.healthcheck().retries());
        assertEquals(List.of("RUN echo hi"), c.onBuild());
        assertEquals(List.of("NONE"), apply("HEALTHCHECK NONE").healthcheck().test());
        assertEquals(List.of("CMD", "true"), apply("HEALTHCHECK CMD [\"true\"]").healthcheck().test());
    }

    @Test
    void instructionsThatNeedABuildAreRefusedByName() {
        for (String bad : List.of("RUN x", "COPY a b", "ADD a b", "FROM busybox", "SHELL [\"bash\"]", "ARG x",
                "MAINTAINER me")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> apply(bad));
            String name = bad.split(" ")[0].toLowerCase();
            assertEquals(name + " is not a valid change command", e.getMessage());
        }
    }

    @Test
    void malformedArgumentsAreRefused() {
        for (String bad : List.of("CMD", "ENV =x", "ENV A=1 B", "ENV A", "EXPOSE 80/icmp", "EXPOSE 70000",
                "EXPOSE 9-3", "VOLUME /a/../../etc", "STOPSIGNAL $(reboot)", "HEALTHCHECK --interval=fast CMD x",
                "HEALTHCHECK --bogus=1 CMD x", "HEALTHCHECK echo", "ONBUILD ONBUILD RUN x", "ENV A=\"unterminated",
                "LABEL x=${A")) {
            assertThrows(InvalidArgumentException.class, () -> apply(bad), bad);
        }
    }

    @Test
    void shellWordsSplitAndProcess() {
        assertEquals(List.of("a", "\"b c\"", "d\\ e", "'f g'"), ShellWords.split(" a \"b c\"  d\\ e 'f g' "));
        assertEquals("b c", ShellWords.process("\"b c\"", Map.of()));
        assertEquals("d e", ShellWords.process("d\\ e", Map.of()));
        assertEquals("$X \"q\"", ShellWords.process("'$X' \"\\\"q\\\"\"", Map.of("X", "1")));
        assertEquals("v-1 $ ", ShellWords.process("v-$X $ $UNSET", Map.of("X", "1")));
        assertTrue(ShellWords.words("", Map.of()).isEmpty());
    }
}
