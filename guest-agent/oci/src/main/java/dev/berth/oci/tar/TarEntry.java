package dev.berth.oci.tar;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One member of a tar archive, as read or to be written. Extended attributes are raw bytes: binary values
 * such as {@code security.capability} must survive unchanged, which is why Berth has its own tar code
 * (Commons Compress decodes PAX values as UTF-8 and corrupts them).
 *
 * @param name     the member name as stored, without a leading {@code ./} normalisation
 * @param mtime    modification time in whole seconds since the epoch
 * @param linkName target of a symlink or hardlink, else empty
 */
public record TarEntry(
        String name,
        Type type,
        int mode,
        long uid,
        long gid,
        long size,
        long mtime,
        String linkName,
        String userName,
        String groupName,
        int devMajor,
        int devMinor,
        Map<String, byte[]> xattrs) {

    /** The member kinds a container layer can hold. */
    public enum Type {
        FILE('0'), HARDLINK('1'), SYMLINK('2'), CHAR('3'), BLOCK('4'), DIRECTORY('5'), FIFO('6');

        final char flag;

        Type(char flag) {
            this.flag = flag;
        }
    }

    public TarEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        linkName = linkName == null ? "" : linkName;
        userName = userName == null ? "" : userName;
        groupName = groupName == null ? "" : groupName;
        xattrs = xattrs == null ? Map.of() : new TreeMap<>(xattrs);
        if (type != Type.FILE && size != 0) {
            throw new IllegalArgumentException("tar member " + name + " of type " + type + " cannot have content");
        }
    }

    public static TarEntry file(String name, int mode, long size, long mtime) {
        return new TarEntry(name, Type.FILE, mode, 0, 0, size, mtime, "", "", "", 0, 0, null);
    }

    public static TarEntry directory(String name, int mode, long mtime) {
        return new TarEntry(name, Type.DIRECTORY, mode, 0, 0, 0, mtime, "", "", "", 0, 0, null);
    }

    public static TarEntry symlink(String name, String target, long mtime) {
        return new TarEntry(name, Type.SYMLINK, 0777, 0, 0, 0, mtime, target, "", "", 0, 0, null);
    }

    public static TarEntry hardlink(String name, String target, long mtime) {
        return new TarEntry(name, Type.HARDLINK, 0644, 0, 0, 0, mtime, target, "", "", 0, 0, null);
    }

    public TarEntry withOwner(long newUid, long newGid) {
        return new TarEntry(name, type, mode, newUid, newGid, size, mtime, linkName, userName, groupName,
                devMajor, devMinor, xattrs);
    }

    public TarEntry withXattrs(Map<String, byte[]> newXattrs) {
        return new TarEntry(name, type, mode, uid, gid, size, mtime, linkName, userName, groupName,
                devMajor, devMinor, newXattrs);
    }

    public TarEntry withName(String newName) {
        return new TarEntry(newName, type, mode, uid, gid, size, mtime, linkName, userName, groupName,
                devMajor, devMinor, xattrs);
    }
}
