package dev.berth.engine.image.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.RuntimeConfig;
import java.util.List;

/**
 * The config of an imported image, in the shape moby's {@code ImportImage} writes: the message is both the
 * top-level {@code comment} and the single history entry's comment ({@link ImageConfig} has no top-level
 * comment, hence this record). {@code config} is always present, {@code {}} when no change was given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImportConfig(
        String architecture,
        String comment,
        RuntimeConfig config,
        String created,
        List<ImageConfig.History> history,
        String os,
        ImageConfig.RootFs rootfs,
        String variant) {}
