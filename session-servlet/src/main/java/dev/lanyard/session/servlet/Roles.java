package dev.lanyard.session.servlet;

import java.util.Set;
import java.util.TreeSet;

/**
 * How a user's roles are kept in the session: one reserved attribute ({@value #ATTRIBUTE}) holding
 * the sorted role names joined by commas, so that {@code isUserInRole} costs no store call.
 */
final class Roles {

    /** The attribute that holds the roles of the session's user. */
    static final String ATTRIBUTE = "lanyard.roles";

    private Roles() {}

    /**
     * @param roles role names of 1 to 100 characters, without comma or surrounding space
     * @return the attribute value, or {@code null} for no roles
     * @throws IllegalArgumentException naming the rule a role breaks
     */
    static String join(Set<String> roles) {
        if (roles.isEmpty()) {
            return null;
        }
        StringBuilder joined = new StringBuilder();
        for (String role : new TreeSet<>(roles)) {
            if (role.isEmpty() || role.length() > 100 || role.indexOf(',') >= 0 || !role.equals(role.strip())) {
                throw new IllegalArgumentException(
                        "a role name has 1 to 100 characters, no comma and no surrounding space");
            }
            if (joined.length() > 0) {
                joined.append(',');
            }
            joined.append(role);
        }
        return joined.toString();
    }

    /**
     * @param stored the attribute value, or {@code null}
     * @return the role names it holds
     */
    static Set<String> split(Object stored) {
        if (!(stored instanceof String joined) || joined.isEmpty()) {
            return Set.of();
        }
        return Set.of(joined.split(","));
    }
}
