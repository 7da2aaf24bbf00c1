package dev.lanyard.session;

/** Checks for the base64url alphabet without allocating. */
final class Base64Url {

    private Base64Url() {}

    static boolean isAlphabet(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
