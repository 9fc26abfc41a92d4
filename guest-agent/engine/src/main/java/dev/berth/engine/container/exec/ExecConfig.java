package dev.berth.engine.container.exec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /containers/{id}/exec}. Every field is nullable: docker-java sends explicit nulls.
 * {@code Cmd} accepts a bare string, as Docker's StrSlice does.
 */
public record ExecConfig(
        @JsonProperty("User") String user,
        @JsonProperty("Privileged") Boolean privileged,
        @JsonProperty("Tty") Boolean tty,
        @JsonProperty("ConsoleSize") List<Integer> consoleSize,
        @JsonProperty("AttachStdin") Boolean attachStdin,
        @JsonProperty("AttachStdout") Boolean attachStdout,
        @JsonProperty("AttachStderr") Boolean attachStderr,
        @JsonProperty("DetachKeys") String detachKeys,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Cmd") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> cmd) {

    public boolean isTty() {
        return Boolean.TRUE.equals(tty);
    }

    public boolean isPrivileged() {
        return Boolean.TRUE.equals(privileged);
    }

    public boolean stdin() {
        return Boolean.TRUE.equals(attachStdin);
    }

    public boolean stdout() {
        return Boolean.TRUE.equals(attachStdout);
    }

    public boolean stderr() {
        return Boolean.TRUE.equals(attachStderr);
    }

    /** An exec's own command run by the engine (health probes): output captured, no stdin, no terminal. */
    public static ExecConfig probe(List<String> cmd) {
        return new ExecConfig(null, false, false, null, false, true, true, null, null, null, cmd);
    }
}
