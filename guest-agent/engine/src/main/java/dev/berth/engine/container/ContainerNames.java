package dev.berth.engine.container;

import dev.berth.engine.errors.InvalidArgumentException;
import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

/** Container names: Docker's validation rule, and generated names ({@code adjective_scientist}). */
public final class ContainerNames {
    /**
     * Docker's rule, except that one-character names are allowed: dockerd's pattern needs two characters,
     * which refuses {@code --name w} for no reason users can see. The error text stays Docker's.
     */
    private static final Pattern VALID = Pattern.compile("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$");
    private static final List<String> ADJECTIVES = List.of("brave", "calm", "clever", "eager", "fervent", "gentle",
            "happy", "jolly", "keen", "lucid", "merry", "nifty", "optimistic", "quirky", "serene", "sharp", "steady",
            "sweet", "tender", "vibrant", "wizardly", "zealous", "bold", "crisp", "dreamy", "elastic", "friendly");
    private static final List<String> NAMES = List.of("turing", "hopper", "lovelace", "noether", "curie", "dijkstra",
            "hamilton", "knuth", "liskov", "mirzakhani", "ritchie", "shannon", "thompson", "torvalds", "wozniak",
            "goldberg", "babbage", "boole", "cerf", "kay", "lamport", "mccarthy", "pascal", "ramanujan", "wirth");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainerNames() {}

    /** The name with its leading slash, or an error in Docker's words. */
    public static String normalize(String name) {
        if (!VALID.matcher(name).matches()) {
            throw new InvalidArgumentException("Invalid container name (" + name
                    + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        return name.startsWith("/") ? name : "/" + name;
    }

    public static String random() {
        return "/" + ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_" + NAMES.get(RANDOM.nextInt(NAMES.size()));
    }

    /** A 64-hex container ID. */
    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
