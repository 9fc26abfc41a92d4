package dev.berth.testkit.registry;

import org.mindrot.jbcrypt.BCrypt;

/**
 * htpasswd lines for docker-registry's basic auth. distribution 2.8 accepts bcrypt only (it rejects MD5, SHA1
 * and crypt entries); it compares with Go's x/crypto/bcrypt, which takes the {@code $2a$} hashes jbcrypt makes
 * as well as Apache's {@code $2y$} (the same algorithm under another name).
 */
final class Htpasswd {
    /**
     * Cost 5, as {@code htpasswd -B} uses: the registry checks the password on every request, and a pull is
     * dozens of requests, so a production-grade cost would only slow the tests.
     */
    static final int COST = 5;

    private Htpasswd() {}

    /** {@code user:$2a$05$...}. */
    static String line(String user, String password) {
        if (user.contains(":") || user.contains("\n") || password.contains("\n")) {
            throw new IllegalArgumentException("an htpasswd entry cannot have ':' in the user name or newlines: "
                    + user);
        }
        return user + ":" + BCrypt.hashpw(password, BCrypt.gensalt(COST));
    }

    /** The same hash under Apache's {@code $2y$} prefix, which htpasswd itself writes. */
    static String apachePrefix(String line) {
        return line.replace(":$2a$", ":$2y$");
    }
}
