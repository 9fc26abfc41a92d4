import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prints every skipped test with its reason, and totals, from the surefire and failsafe XML reports of the
 * last build. A skip is never silent: this report is the last thing the test command prints.
 * Run as: java scripts/lib/TestReport.java <repo root>
 */
public class TestReport {
    private static final Pattern CASE = Pattern.compile(
            "<testcase\\s+name=\"([^\"]*)\"\\s+classname=\"([^\"]*)\"[^>]*?(/>|>(.*?)</testcase>)", Pattern.DOTALL);
    private static final Pattern SKIPPED = Pattern.compile("<skipped(?:\\s+message=\"([^\"]*)\")?[^>]*?(?:/>|>(.*?)</skipped>)",
            Pattern.DOTALL);

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        int total = 0;
        int failed = 0;
        List<String> skips = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(TestReport::isReport).sorted().toList()) {
                String xml = Files.readString(f);
                Matcher m = CASE.matcher(xml);
                while (m.find()) {
                    total++;
                    String body = m.group(4) == null ? "" : m.group(4);
                    if (body.contains("<failure") || body.contains("<error")) {
                        failed++;
                    }
                    Matcher s = SKIPPED.matcher(body);
                    if (s.find()) {
                        String reason = s.group(1) != null ? unescape(s.group(1)) : reasonFromBody(s.group(2));
                        skips.add(shortName(m.group(2)) + "." + m.group(1) + ": " + reason);
                    }
                }
            }
        }
        System.out.println();
        System.out.println("==== test report: " + total + " tests, " + failed + " failed, " + skips.size() + " skipped ====");
        skips.forEach(s -> System.out.println("  SKIPPED " + s));
    }

    /** Without a message attribute the reason is in the body: "...TestAbortedException: Assumption failed: why". */
    private static String reasonFromBody(String body) {
        if (body == null || body.isBlank()) {
            return "(no reason given)";
        }
        String text = body.replace("<![CDATA[", "").replace("]]>", "").strip();
        String first = text.lines().findFirst().orElse(text);
        int colon = first.indexOf("Exception: ");
        String reason = colon >= 0 ? first.substring(colon + "Exception: ".length()) : first;
        while (reason.startsWith("Assumption failed: ")) {
            reason = reason.substring("Assumption failed: ".length());
        }
        return unescape(reason);
    }

    private static boolean isReport(Path p) {
        String s = p.toString();
        return p.getFileName().toString().startsWith("TEST-") && s.endsWith(".xml")
                && (s.contains("surefire-reports") || s.contains("failsafe-reports"));
    }

    private static String shortName(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }
}
