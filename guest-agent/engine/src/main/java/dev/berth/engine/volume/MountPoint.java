package dev.berth.engine.volume;

import java.util.Map;

/**
 * One mount of a container besides its root filesystem, as parsed from {@code Binds} ({@code -v}),
 * {@code Mounts} ({@code --mount}), {@code VolumesFrom} and the config's {@code Volumes}, and stored with the
 * container ({@code containers/<id>/mounts.json}) once anonymous volumes have their names.
 *
 * @param type         {@code bind}, {@code volume} or {@code tmpfs}
 * @param name         the volume's name; null for an anonymous volume not created yet, and for binds
 * @param source       a bind's host path as the user wrote it (a symlink there is followed, on the host)
 * @param destination  the path inside the container, cleaned
 * @param mode         the mode words as given ({@code ro}, {@code z}, ...), shown by inspect
 * @param propagation  {@code rprivate} and friends; empty for volumes unless given
 * @param copyData     a volume that is still empty gets the image's files at the destination (not nocopy)
 * @param createSource a {@code -v} bind whose missing source is created as a directory (Docker's rule; a
 *                     {@code --mount} bind must exist)
 * @param volumeLabels labels for a volume this mount creates ({@code --mount volume-label=})
 * @param tmpfsOptions a tmpfs mount's options in {@code --tmpfs} form ({@code size=1m,mode=1777})
 */
public record MountPoint(String type, String name, String source, String destination, boolean rw, String mode,
        String propagation, boolean copyData, boolean createSource, Map<String, String> volumeLabels,
        String tmpfsOptions) {

    public static final String BIND = "bind";
    public static final String VOLUME = "volume";
    public static final String TMPFS = "tmpfs";

    public MountPoint withName(String volumeName) {
        return new MountPoint(type, volumeName, source, destination, rw, mode, propagation, copyData, createSource,
                volumeLabels, tmpfsOptions);
    }

    /** The same mount with {@code --volumes-from c:ro} or {@code :rw} applied. */
    public MountPoint withAccess(boolean writable, String newMode) {
        return new MountPoint(type, name, source, destination, writable, newMode, propagation, copyData,
                createSource, volumeLabels, tmpfsOptions);
    }

    boolean usesVolume(String volumeName) {
        return VOLUME.equals(type) && volumeName.equals(name);
    }
}
