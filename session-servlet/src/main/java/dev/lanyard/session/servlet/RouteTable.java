package dev.lanyard.session.servlet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Matches a path within the application to a route policy, by servlet URL pattern rules. Immutable. */
final class RouteTable {

    private final Map<String, RoutePolicy> exact = new HashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final Map<String, RoutePolicy> extensions = new HashMap<>();
    private final RoutePolicy fallback;

    private record Prefix(String prefix, RoutePolicy policy) {}

    RouteTable(List<RoutePolicy> routes, RoutePolicy fallback) {
        RoutePolicy defaultRoute = fallback;
        for (RoutePolicy route : routes) {
            String p = route.pattern();
            Object previous;
            if ("/".equals(p)) {
                defaultRoute = route;
                previous = null;
            } else if (p.startsWith("*.")) {
                previous = extensions.put(p.substring(2), route);
            } else if (p.endsWith("/*")) {
                String prefix = p.substring(0, p.length() - 2);
                previous = prefixes.stream().anyMatch(x -> x.prefix.equals(prefix)) ? route : null;
                prefixes.add(new Prefix(prefix, route));
            } else {
                previous = exact.put(p, route);
            }
            if (previous != null) {
                throw new IllegalArgumentException("route pattern " + p + " is configured twice");
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix x) -> x.prefix.length()).reversed());
        this.fallback = defaultRoute;
    }

    /**
     * @param path the path within the application, starting with {@code /} (empty is taken as {@code /})
     * @return the policy that applies
     */
    RoutePolicy match(String path) {
        if (path.isEmpty()) {
            path = "/";
        }
        RoutePolicy hit = exact.get(path);
        if (hit != null) {
            return hit;
        }
        for (Prefix p : prefixes) {
            String prefix = p.prefix;
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return p.policy;
            }
        }
        if (!extensions.isEmpty()) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            if (dot > slash && dot < path.length() - 1) {
                hit = extensions.get(path.substring(dot + 1));
                if (hit != null) {
                    return hit;
                }
            }
        }
        return fallback;
    }
}
