package dev.lanyard.session.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the PromQL expressions and legend formats out of a Grafana dashboard's JSON text. */
final class DashboardExpressions {

    private static final Pattern EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern LEGEND = Pattern.compile("\"legendFormat\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private DashboardExpressions() {}

    /** Every panel target's {@code expr}, JSON escapes undone. */
    static List<String> of(String json) {
        return strings(EXPR, json);
    }

    /** Every panel target's {@code legendFormat}, JSON escapes undone. */
    static List<String> legends(String json) {
        return strings(LEGEND, json);
    }

    private static List<String> strings(Pattern pattern, String json) {
        List<String> values = new ArrayList<>();
        Matcher m = pattern.matcher(json);
        while (m.find()) {
            values.add(unescape(m.group(1)));
        }
        return values;
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                switch (next) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(value.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(next);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
