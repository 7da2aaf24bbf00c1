package dev.lanyard.session.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds known secrets in text in time linear in the text: every secret is a 43-character
 * base64url string, so only 43-character windows of base64url runs need a set look-up.
 */
final class SecretScanner {

    static final int LENGTH = 43;

    private SecretScanner() {}

    /**
     * @param text any text
     * @param secrets the secrets to look for, each 43 base64url characters
     * @return the secrets found, in order of appearance
     */
    static List<String> find(CharSequence text, Set<String> secrets) {
        List<String> found = new ArrayList<>();
        if (secrets.isEmpty() || text == null) {
            return found;
        }
        int runStart = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean alphabet = i < text.length() && isBase64Url(text.charAt(i));
            if (alphabet && runStart < 0) {
                runStart = i;
            } else if (!alphabet && runStart >= 0) {
                for (int from = runStart; from + LENGTH <= i; from++) {
                    String window = text.subSequence(from, from + LENGTH).toString();
                    if (secrets.contains(window)) {
                        found.add(window);
                    }
                }
                runStart = -1;
            }
        }
        return found;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
