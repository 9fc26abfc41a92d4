package dev.berth.engine.container.exec;

import dev.berth.engine.container.Container;
import dev.berth.engine.container.SpecInputs;
import dev.berth.engine.container.model.ContainerRecord;
import dev.berth.engine.container.rootfs.UserResolver;
import dev.berth.engine.container.spec.SpecBuilder;
import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.os.RootDir;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI process of an exec, by Docker's rules: the exec's user, working directory and env override the
 * container's; the container's security settings apply, all capabilities with {@code --privileged}.
 */
final class ExecProcess {
    private ExecProcess() {}

    static byte[] json(Container c, ExecConfig cfg) throws IOException {
        ContainerRecord r = c.record();
        String userSpec = cfg.user() == null || cfg.user().isEmpty() ? r.config().user() : cfg.user();
        SpecInput.User user;
        String home;
        // the root filesystem is mounted while the container runs; users resolve from its own passwd file
        try (RootDir rootfs = RootDir.open(c.paths().rootfs())) {
            user = UserResolver.resolve(rootfs, userSpec, r.hostConfig().groupAdd());
            home = UserResolver.home(rootfs, user.uid());
        }
        List<String> env = replaceOrAppend(
                SpecInputs.processEnv(r.config().env(), r.config().hostname(), home, cfg.isTty()), cfg.env());
        String cwd = cfg.workingDir() != null && !cfg.workingDir().isEmpty() ? cfg.workingDir()
                : r.config().workingDir() == null || r.config().workingDir().isEmpty() ? "/" : r.config().workingDir();
        SpecInput.Security base = SpecInputs.security(r.hostConfig());
        SpecInput.Security security = new SpecInput.Security(base.privileged() || cfg.isPrivileged(), base.capAdd(),
                base.capDrop(), base.noNewPrivileges(), base.seccompProfile(), base.readonlyRootfs(),
                base.maskedPaths(), base.readonlyPaths());
        return SpecBuilder.execProcess(user, cfg.cmd(), env, cwd, cfg.isTty(), consoleSize(cfg), security,
                SpecInputs.ulimits(r.hostConfig()));
    }

    /** Docker's ReplaceOrAppendEnvValues: a KEY=value replaces the same KEY, a bare KEY removes it. */
    static List<String> replaceOrAppend(List<String> base, List<String> overrides) {
        List<String> env = new ArrayList<>(base);
        for (String o : overrides == null ? List.<String>of() : overrides) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            env.removeIf(e -> e.equals(key) || e.startsWith(key + "="));
            if (o.contains("=")) {
                env.add(o);
            }
        }
        return env;
    }

    private static SpecInput.ConsoleSize consoleSize(ExecConfig cfg) {
        List<Integer> cs = cfg.consoleSize();
        if (!cfg.isTty() || cs == null || cs.size() != 2 || cs.get(0) == null || cs.get(1) == null || cs.get(0) <= 0) {
            return null;
        }
        return new SpecInput.ConsoleSize(cs.get(0), cs.get(1));
    }
}
