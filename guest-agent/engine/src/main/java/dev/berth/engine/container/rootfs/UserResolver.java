package dev.berth.engine.container.rootfs;

import dev.berth.engine.container.spec.SpecInput;
import dev.berth.engine.errors.InvalidArgumentException;
import dev.berth.engine.os.RootDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code --user} ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) into numbers using
 * the container's own /etc/passwd and /etc/group, read in-root. Supplementary groups are the groups that
 * list the user, plus {@code --group-add}. Error texts are Docker's.
 */
public final class UserResolver {
    private static final int MAX_FILE = 4 << 20;

    private UserResolver() {}

    public static SpecInput.User resolve(RootDir rootfs, String spec, List<String> groupAdd) throws IOException {
        String user = spec == null || spec.isEmpty() ? "0" : spec;
        String userPart = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        String groupPart = user.contains(":") ? user.substring(user.indexOf(':') + 1) : null;
        List<String[]> passwd = entries(rootfs, "etc/passwd");
        List<String[]> groups = entries(rootfs, "etc/group");

        long uid;
        long gid;
        String name;
        String[] pw = find(passwd, userPart, 0, 2);
        if (pw != null) {
            name = pw[0];
            uid = Long.parseLong(pw[2]);
            gid = parseOr(pw[3], 0);
        } else if (isNumber(userPart)) {
            name = null;
            uid = Long.parseLong(userPart);
            gid = 0;
        } else {
            throw new InvalidArgumentException("unable to find user " + userPart + ": no matching entries in passwd file");
        }
        if (groupPart != null) {
            String[] gr = find(groups, groupPart, 0, 2);
            if (gr != null) {
                gid = Long.parseLong(gr[2]);
            } else if (isNumber(groupPart)) {
                gid = Long.parseLong(groupPart);
            } else {
                throw new InvalidArgumentException("unable to find group " + groupPart
                        + ": no matching entries in group file");
            }
        }
        Set<Long> extra = new LinkedHashSet<>();
        if (name != null && groupPart == null) {
            for (String[] g : groups) {
                if (g.length > 3 && List.of(g[3].split(",")).contains(name) && g[2].matches("\\d+")) {
                    extra.add(Long.parseLong(g[2]));
                }
            }
        }
        for (String add : groupAdd == null ? List.<String>of() : groupAdd) {
            String[] gr = find(groups, add, 0, 2);
            if (gr != null) {
                extra.add(Long.parseLong(gr[2]));
            } else if (isNumber(add)) {
                extra.add(Long.parseLong(add));
            } else {
                // capital U: the user package's GetAdditionalGroups (moby/sys/user, runc before it) words it so
                throw new InvalidArgumentException("Unable to find group " + add + ": no matching entries in group file");
            }
        }
        extra.remove(gid);
        return new SpecInput.User(uid, gid, new ArrayList<>(extra), null);
    }

    /** The home directory of uid 0 or the user, for HOME when the image does not set it. */
    public static String home(RootDir rootfs, long uid) throws IOException {
        for (String[] pw : entries(rootfs, "etc/passwd")) {
            if (pw.length > 5 && pw[2].equals(Long.toString(uid))) {
                return pw[5];
            }
        }
        return "/";
    }

    private static List<String[]> entries(RootDir rootfs, String rel) throws IOException {
        List<String[]> out = new ArrayList<>();
        byte[] data = rootfs.readFile(rel, MAX_FILE).orElse(new byte[0]);
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.split(":", -1));
            }
        }
        return out;
    }

    /** The entry whose name (field {@code nameField}) or numeric ID (field {@code idField}) is {@code key}. */
    private static String[] find(List<String[]> entries, String key, int nameField, int idField) {
        for (String[] e : entries) {
            if (e.length > idField && e[nameField].equals(key) && e[idField].matches("\\d+")) {
                return e;
            }
        }
        if (isNumber(key)) {
            for (String[] e : entries) {
                if (e.length > idField && e[idField].equals(key)) {
                    return e;
                }
            }
        }
        return null;
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static long parseOr(String s, long fallback) {
        return isNumber(s) ? Long.parseLong(s) : fallback;
    }
}
