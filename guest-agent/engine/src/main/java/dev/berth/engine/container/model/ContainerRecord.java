package dev.berth.engine.container.model;

import dev.berth.oci.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What defines a container and does not change while it lives (except name and limits): its identity,
 * the merged config, the host config, and the image it was made from.
 *
 * @param name         with Docker's leading slash, e.g. {@code /web}
 * @param image        the image as the user named it ({@code busybox}), shown in ps and inspect Config.Image
 * @param imageId      the image's ID, which rmi checks against
 * @param path         the executable (first word of entrypoint + cmd)
 * @param args         the rest of entrypoint + cmd
 * @param layers       the image's diff IDs, bottom first: the container's root filesystem stacks on them
 * @param networks     per-network endpoint settings requested at create (names as given)
 */
public record ContainerRecord(
        String id,
        String name,
        Instant created,
        String image,
        Digest imageId,
        String path,
        List<String> args,
        ContainerConfig config,
        HostConfig hostConfig,
        List<Digest> layers,
        Map<String, Map<String, Object>> networks,
        String runtime) {

    public ContainerRecord {
        args = args == null ? List.of() : List.copyOf(args);
        layers = layers == null ? List.of() : List.copyOf(layers);
        networks = networks == null ? Map.of() : Map.copyOf(networks);
    }

    public String shortId() {
        return id.substring(0, 12);
    }

    /** The name without Docker's leading slash. */
    public String plainName() {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    public ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, created, image, imageId, path, args, config, hostConfig, layers,
                networks, runtime);
    }

    public ContainerRecord withNetworks(Map<String, Map<String, Object>> nets) {
        return new ContainerRecord(id, name, created, image, imageId, path, args, config, hostConfig, layers, nets,
                runtime);
    }

    public ContainerRecord withHostConfig(HostConfig hc) {
        return new ContainerRecord(id, name, created, image, imageId, path, args, config, hc, layers, networks,
                runtime);
    }
}
