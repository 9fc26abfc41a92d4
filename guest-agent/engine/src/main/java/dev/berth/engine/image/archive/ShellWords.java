package dev.berth.engine.image.archive;

import dev.berth.engine.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The word rules of Dockerfile instructions, as {@code --change} uses them: words split at unquoted
 * whitespace; single quotes literal; double quotes group and allow {@code \"}, {@code \\}, {@code \$};
 * a backslash escapes one character; {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-word}} and
 * {@code ${VAR:+word}} expand from the image's environment as it stands at that instruction.
 */
final class ShellWords {
    private ShellWords() {}

    /** Splits at unquoted whitespace, keeping quotes and escapes for {@link #process}. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                continue;
            }
            word.append(c);
            if (c == '\\' && quote != '\'' && i + 1 < s.length()) {
                word.append(s.charAt(++i));
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
        }
        if (quote != 0) {
            throw new InvalidArgumentException("unterminated quote in \"" + s + "\"");
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    /** {@link #split} then {@link #process} each word. */
    static List<String> words(String s, Map<String, String> env) {
        return split(s).stream().map(w -> process(w, env)).toList();
    }

    /** Removes quotes and escapes and expands variables; whitespace inside is kept. */
    static String process(String s, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new InvalidArgumentException("unterminated single quote in \"" + s + "\"");
                }
                out.append(s, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(s, i + 1, env, out);
            } else if (c == '\\') {
                out.append(i + 1 < s.length() ? s.charAt(i + 1) : c);
                i += 2;
            } else if (c == '$') {
                i = expand(s, i, env, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int doubleQuoted(String s, int i, Map<String, String> env, StringBuilder out) {
        while (i < s.length() && s.charAt(i) != '"') {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && "\"\\$`".indexOf(s.charAt(i + 1)) >= 0) {
                out.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = expand(s, i, env, out);
            } else {
                out.append(c);
                i++;
            }
        }
        if (i >= s.length()) {
            throw new InvalidArgumentException("unterminated double quote in \"" + s + "\"");
        }
        return i + 1;
    }

    /** Expands the variable at {@code s[i] == '$'}; returns the index after it. */
    private static int expand(String s, int i, Map<String, String> env, StringBuilder out) {
        if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
            int end = closingBrace(s, i + 2);
            String inner = s.substring(i + 2, end);
            int name = nameLength(inner, 0);
            if (name == 0) {
                throw new InvalidArgumentException("bad substitution: ${" + inner + "}");
            }
            String value = env.get(inner.substring(0, name));
            String rest = inner.substring(name);
            if (rest.startsWith(":-")) {
                out.append(value == null || value.isEmpty() ? process(rest.substring(2), env) : value);
            } else if (rest.startsWith(":+")) {
                out.append(value == null || value.isEmpty() ? "" : process(rest.substring(2), env));
            } else if (rest.isEmpty()) {
                out.append(value == null ? "" : value);
            } else {
                throw new InvalidArgumentException("unsupported modifier in ${" + inner + "}");
            }
            return end + 1;
        }
        int name = nameLength(s, i + 1);
        if (name == 0) {
            out.append('$');
            return i + 1;
        }
        String value = env.get(s.substring(i + 1, i + 1 + name));
        out.append(value == null ? "" : value);
        return i + 1 + name;
    }

    private static int closingBrace(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new InvalidArgumentException("missing '}' in \"" + s + "\"");
    }

    /** Length of the variable name at {@code from}: a letter or underscore, then letters, digits, underscores. */
    private static int nameLength(String s, int from) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > from && c >= '0' && c <= '9');
            if (!ok) {
                break;
            }
            i++;
        }
        return i - from;
    }
}
