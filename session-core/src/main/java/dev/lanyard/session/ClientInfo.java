package dev.lanyard.session;

/**
 * What a session remembers of the client that created it, for device lists and anomaly checks:
 * a short user-agent summary and the network prefix of the client's address (never the full
 * address). Both are bounded in size so that records stay small.
 *
 * @param userAgent a summary of the user agent, at most {@value #MAX_USER_AGENT} characters;
 *     empty when unknown
 * @param addressPrefix the client's network prefix (IPv4 /24 as {@code 192.0.2.0/24}, IPv6 /48),
 *     empty when unknown
 *
 * @since 0.1.0
 */
public record ClientInfo(String userAgent, String addressPrefix) {

    /** The longest user-agent summary kept, in characters. */
    public static final int MAX_USER_AGENT = 48;

    /** Client information for a client that told nothing. */
    public static final ClientInfo UNKNOWN = new ClientInfo("", "");

    /**
     * Normalises the values: {@code null} becomes empty, the user agent is cut to {@value #MAX_USER_AGENT} characters and stripped of control characters, the prefix to 48.
     *
     * @param userAgent a summary of the user agent, at most {@value #MAX_USER_AGENT} characters; empty when unknown
     * @param addressPrefix the client's network prefix (IPv4 /24 as {@code 192.0.2.0/24}, IPv6 /48), empty when unknown
     */
    public ClientInfo {
        userAgent = clean(userAgent, MAX_USER_AGENT);
        addressPrefix = clean(addressPrefix, 48);
    }

    /**
     * Derives client information from what a request carries.
     *
     * @param userAgentHeader the {@code User-Agent} header, or {@code null}
     * @param remoteAddress the client's address as an IP literal, or {@code null}; no name is ever
     *     looked up
     * @return the summary
     */
    public static ClientInfo of(String userAgentHeader, String remoteAddress) {
        return new ClientInfo(summarise(userAgentHeader), prefixOf(remoteAddress));
    }

    private static String summarise(String userAgent) {
        if (userAgent == null) {
            return "";
        }
        String[] known = {"Edg/", "OPR/", "Firefox/", "Chrome/", "Chromium/", "Safari/", "curl/", "Java-http-client/"};
        String browser = "";
        for (String k : known) {
            int at = userAgent.indexOf(k);
            if (at >= 0) {
                int end = at + k.length();
                while (end < userAgent.length() && (Character.isDigit(userAgent.charAt(end)))) {
                    end++;
                }
                browser = userAgent.substring(at, end).replace("/", " ");
                break;
            }
        }
        String platform = "";
        String[] platforms = {"Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"};
        for (String p : platforms) {
            if (userAgent.contains(p)) {
                platform = p;
                break;
            }
        }
        String summary = (browser + (platform.isEmpty() ? "" : " on " + platform)).trim();
        return summary.isEmpty() ? userAgent : summary;
    }

    /**
     * Returns the network prefix of an address, as {@link #addressPrefix()} keeps it: IPv4 /24,
     * IPv6 /48. Never looks a name up.
     *
     * @param address an IP literal, or {@code null}
     * @return the prefix, or empty when the text is not an IP literal
     */
    public static String prefixOf(String address) {
        if (address == null || address.isEmpty() || address.length() > 45) {
            return "";
        }
        if (address.indexOf(':') < 0) {
            String[] parts = address.split("\\.", -1);
            if (parts.length != 4) {
                return "";
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                    return "";
                }
            }
            return parts[0] + "." + parts[1] + "." + parts[2] + ".0/24";
        }
        String plain =
                address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!plain.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
            return "";
        }
        String[] groups = plain.split(":", -1);
        StringBuilder prefix = new StringBuilder();
        int taken = 0;
        for (String g : groups) {
            if (g.isEmpty() || taken == 3) {
                break;
            }
            prefix.append(g).append(':');
            taken++;
        }
        return prefix.append(":/48").toString();
    }

    private static String clean(String value, int max) {
        if (value == null) {
            return "";
        }
        if (value.length() <= max && isClean(value)) {
            // The common case, and every value a store reads back: nothing to drop or cut, so no copy.
            return value;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != 0x7f) {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isClean(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
