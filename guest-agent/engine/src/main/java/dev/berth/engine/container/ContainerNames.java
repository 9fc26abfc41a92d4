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
    private static final List<String> ADJECTIVES = List.of("admiring", "amazing", "awesome", "blissful", "bold",
            "brave", "busy", "calm", "charming", "clever", "compassionate", "competent", "confident", "cool",
            "crisp", "dazzling", "determined", "dreamy", "eager", "ecstatic", "elastic", "elegant", "eloquent",
            "epic", "exciting", "fervent", "festive", "focused", "friendly", "frosty", "funny", "gallant",
            "gentle", "gifted", "goofy", "gracious", "great", "happy", "hardcore", "heuristic", "hopeful",
            "hungry", "infallible", "inspiring", "intelligent", "jolly", "jovial", "keen", "kind", "laughing",
            "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nice",
            "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical",
            "priceless", "quirky", "quizzical", "recursing", "relaxed", "reverent", "romantic", "serene",
            "sharp", "silly", "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender",
            "thirsty", "trusting", "unruffled", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly",
            "wonderful", "xenodochial", "youthful", "zealous", "zen");
    private static final List<String> NAMES = List.of("agnesi", "albattani", "allen", "almeida", "archimedes",
            "ardinghelli", "aryabhata", "babbage", "banach", "bardeen", "bartik", "bassi", "bell", "benz",
            "bhabha", "bhaskara", "blackwell", "bohr", "booth", "boole", "borg", "bose", "bouman", "brahmagupta",
            "brattain", "brown", "buck", "burnell", "cannon", "carson", "cartwright", "cerf", "chandrasekhar",
            "chaplygin", "chatelet", "chatterjee", "chebyshev", "clarke", "colden", "cori", "cray", "curie",
            "darwin", "davinci", "dewdney", "dhawan", "diffie", "dijkstra", "dirac", "driscoll", "dubinsky",
            "easley", "edison", "einstein", "elbakyan", "elgamal", "elion", "ellis", "engelbart", "euclid",
            "euler", "faraday", "feistel", "fermat", "fermi", "feynman", "franklin", "gagarin", "galileo",
            "galois", "ganguly", "gates", "gauss", "germain", "goldberg", "goldstine", "goldwasser", "golick",
            "goodall", "gould", "greider", "grothendieck", "haibt", "hamilton", "haslett", "hawking", "heisenberg",
            "hellman", "hermann", "herschel", "hertz", "heyrovsky", "hodgkin", "hofstadter", "hoover", "hopper",
            "hugle", "hypatia", "jackson", "jang", "jemison", "jennings", "jepsen", "johnson", "joliot", "jones",
            "kalam", "kapitsa", "kare", "keldysh", "keller", "kepler", "khayyam", "khorana", "kilby", "kirch",
            "knuth", "kowalevski", "lalande", "lamarr", "lamport", "leakey", "leavitt", "lederberg", "lehmann",
            "lewin", "lichterman", "liskov", "lovelace", "lumiere", "mahavira", "margulis", "matsumoto",
            "maxwell", "mayer", "mccarthy", "mcclintock", "mclaren", "mclean", "mcnulty", "meitner", "mendel",
            "mendeleev", "meninsky", "merkle", "mestorf", "mirzakhani", "montalcini", "moore", "morse", "moser",
            "murdock", "napier", "nash", "neumann", "newton", "nightingale", "nobel", "noether", "northcutt",
            "noyce", "panini", "pare", "pascal", "pasteur", "payne", "perlman", "pike", "poincare", "poitras",
            "proskuriakova", "ptolemy", "raman", "ramanujan", "rhodes", "ride", "ritchie", "robinson", "roentgen",
            "rosalind", "rubin", "saha", "sammet", "sanderson", "satoshi", "shamir", "shannon", "shaw", "shirley",
            "shockley", "shtern", "sinoussi", "snyder", "solomon", "spence", "stonebraker", "sutherland",
            "swanson", "swartz", "swirles", "taussig", "tesla", "tharp", "thompson", "torvalds", "tu", "turing",
            "varahamihira", "vaughan", "villani", "visvesvaraya", "volhard", "wescoff", "wilbur", "wiles",
            "williams", "williamson", "wilson", "wing", "wozniak", "wright", "wu", "yalow", "yonath", "zhukovsky");
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

    /** A digit to append to a generated name that is taken (dockerd does the same). */
    public static String digit() {
        return Integer.toString(RANDOM.nextInt(10));
    }

    /** A 64-hex container ID. */
    public static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }
}
