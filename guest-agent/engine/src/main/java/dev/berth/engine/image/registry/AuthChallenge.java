package dev.berth.engine.image.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 §11.6.1), e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io"}.
 *
 * @param scheme  the auth scheme, lowercased ({@code bearer}, {@code basic})
 * @param token68 the token68 form some schemes use instead of parameters, or null
 * @param params  parameters with lowercased names, values unquoted, in header order
 */
public record AuthChallenge(String scheme, String token68, Map<String, String> params) {
    /** Far above any real challenge; bounds the work an attacker-chosen header can cause. */
    static final int MAX_HEADER_LENGTH = 16 * 1024;

    public AuthChallenge {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public String param(String name) {
        return params.get(name);
    }

    /**
     * Parses every challenge in a header value: several may share one header, separated by commas that
     * are not inside quoted strings. The parse is a single left-to-right pass with one token of look-ahead,
     * so its time is linear in the input.
     *
     * @throws IllegalArgumentException if the value is not a valid challenge list; never anything else
     */
    public static List<AuthChallenge> parse(String header) {
        if (header == null) {
            throw new IllegalArgumentException("no WWW-Authenticate header");
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("WWW-Authenticate header longer than " + MAX_HEADER_LENGTH);
        }
        return new Parser(header).challenges();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        List<AuthChallenge> challenges() {
            List<AuthChallenge> out = new ArrayList<>();
            while (true) {
                while (pos < s.length() && (isSpace(s.charAt(pos)) || s.charAt(pos) == ',')) {
                    pos++;
                }
                if (pos == s.length()) {
                    return out;
                }
                out.add(challenge());
            }
        }

        private AuthChallenge challenge() {
            String scheme = token();
            if (scheme.isEmpty()) {
                throw error("expected an auth scheme");
            }
            int afterScheme = pos;
            skipSpaces();
            if (atEnd() || peek() == ',') {
                return new AuthChallenge(scheme.toLowerCase(Locale.ROOT), null, Map.of());
            }
            if (pos == afterScheme) {
                throw error("expected a space after the auth scheme");
            }
            String t68 = tryToken68();
            if (t68 != null) {
                return new AuthChallenge(scheme.toLowerCase(Locale.ROOT), t68, Map.of());
            }
            return new AuthChallenge(scheme.toLowerCase(Locale.ROOT), null, params());
        }

        /** {@code token68} is a whole challenge body: characters, then '=' padding, then the end or a comma. */
        private String tryToken68() {
            int start = pos;
            int p = pos;
            while (p < s.length() && isToken68(s.charAt(p))) {
                p++;
            }
            if (p == start) {
                return null;
            }
            while (p < s.length() && s.charAt(p) == '=') {
                p++;
            }
            int end = p;
            while (p < s.length() && isSpace(s.charAt(p))) {
                p++;
            }
            if (p < s.length() && s.charAt(p) != ',') {
                return null;
            }
            pos = p;
            return s.substring(start, end);
        }

        private Map<String, String> params() {
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                String name = token();
                if (name.isEmpty()) {
                    throw error("expected a parameter name");
                }
                skipSpaces();
                expect('=');
                skipSpaces();
                String value;
                if (!atEnd() && peek() == '"') {
                    value = quoted();
                } else if ((value = token()).isEmpty()) {
                    throw error("expected a parameter value"); // "realm=," is not an auth-param
                }
                if (params.putIfAbsent(name.toLowerCase(Locale.ROOT), value) != null) {
                    throw error("duplicate parameter " + name);
                }
                skipSpaces();
                if (atEnd()) {
                    return params;
                }
                if (peek() != ',') {
                    throw error("expected ',' after a parameter");
                }
                if (!nextIsParameter()) {
                    return params; // the comma starts the next challenge
                }
            }
        }

        /** At a comma: true (and positioned on the name) if what follows is {@code name=}, not a new scheme. */
        private boolean nextIsParameter() {
            int p = pos;
            while (p < s.length() && (isSpace(s.charAt(p)) || s.charAt(p) == ',')) {
                p++;
            }
            int nameStart = p;
            while (p < s.length() && isTchar(s.charAt(p))) {
                p++;
            }
            int nameEnd = p;
            while (p < s.length() && isSpace(s.charAt(p))) {
                p++;
            }
            if (nameEnd > nameStart && p < s.length() && s.charAt(p) == '=') {
                pos = nameStart;
                return true;
            }
            return false;
        }

        private String quoted() {
            pos++; // opening quote
            StringBuilder b = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    if (pos == s.length()) {
                        break;
                    }
                    c = s.charAt(pos++);
                }
                b.append(c);
            }
            throw error("unterminated quoted string");
        }

        private String token() {
            int start = pos;
            while (pos < s.length() && isTchar(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        private void expect(char c) {
            if (atEnd() || peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpaces() {
            while (pos < s.length() && isSpace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean atEnd() {
            return pos >= s.length();
        }

        private char peek() {
            return s.charAt(pos);
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid WWW-Authenticate header: " + what + " at offset " + pos);
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 tchar: the characters of a scheme or a parameter name. */
    static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken68(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~+/".indexOf(c) >= 0;
    }
}
