package dev.lanyard.session;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which attributes of an anonymous session cross the login boundary (session puzzling, OWASP ASVS
 * V7). Whatever an anonymous visitor could put in a session (directly, through a form the
 * application copies into it, or by planting a session for a victim to log in with) must not
 * become security state of the logged-in session.
 *
 * <p>The default, {@link #applicationAttributes()}, carries the application's attributes (a shop
 * keeps its cart) and drops <em>security state</em>: names starting with {@link #RESERVED_PREFIX}
 * (Lanyard's own) and the {@link #SECURITY_STATE_NAMES} of well-known security frameworks. An
 * application that wants the strict rule chooses {@link #none()} or {@link #named(String...)} (for
 * example {@code named("cart", "locale")}); {@link #all()} keeps the behaviour of a plain
 * container, which carries everything.
 *
 * <p>It applies when an anonymous session logs in; a session that already belongs to the user
 * keeps its attributes when it is rotated. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class LoginAttributePolicy {

    /** The prefix of Lanyard's own attribute names, which never cross a login. */
    public static final String RESERVED_PREFIX = "lanyard.";

    /**
     * Well-known attribute names under which security frameworks keep a session's identity or
     * authentication progress: Spring Security's security context, saved request, last
     * authentication exception and session CSRF token, and Apache Shiro's principals and
     * authenticated flag. Never carried by {@link #applicationAttributes()}, never accepted by
     * {@link #named(String...)}.
     */
    public static final Set<String> SECURITY_STATE_NAMES = Set.of(
            "SPRING_SECURITY_CONTEXT",
            "SPRING_SECURITY_SAVED_REQUEST",
            "SPRING_SECURITY_LAST_EXCEPTION",
            "org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository.CSRF_TOKEN",
            "org.apache.shiro.subject.support.DefaultSubjectContext_PRINCIPALS_SESSION_KEY",
            "org.apache.shiro.subject.support.DefaultSubjectContext_AUTHENTICATED_SESSION_KEY");

    private static final LoginAttributePolicy ALL = new LoginAttributePolicy(Kind.ALL, Set.of());
    private static final LoginAttributePolicy NONE = new LoginAttributePolicy(Kind.NONE, Set.of());
    private static final LoginAttributePolicy APPLICATION = new LoginAttributePolicy(Kind.APPLICATION, Set.of());

    private enum Kind {
        ALL,
        NONE,
        APPLICATION,
        NAMED
    }

    private final Kind kind;
    private final Set<String> names;

    private LoginAttributePolicy(Kind kind, Set<String> names) {
        this.kind = kind;
        this.names = names;
    }

    /**
     * The default: every attribute except security state ({@link #RESERVED_PREFIX},
     * {@link #SECURITY_STATE_NAMES}).
     *
     * @return the policy
     */
    public static LoginAttributePolicy applicationAttributes() {
        return APPLICATION;
    }

    /**
     * Every attribute crosses the login, security state included: what a plain servlet container
     * does. Choose it only if nothing in the session is trusted as security state.
     *
     * @return the policy
     */
    public static LoginAttributePolicy all() {
        return ALL;
    }

    /**
     * No attribute crosses the login: the logged-in session starts empty.
     *
     * @return the policy
     */
    public static LoginAttributePolicy none() {
        return NONE;
    }

    /**
     * Only the named attributes cross the login.
     *
     * @param names the attribute names, such as {@code "cart"}
     * @return the policy
     * @throws IllegalArgumentException if a name is blank or is security state
     */
    public static LoginAttributePolicy named(String... names) {
        return named(List.of(names));
    }

    /**
     * Only the named attributes cross the login.
     *
     * @param names the attribute names
     * @return the policy
     * @throws IllegalArgumentException if a name is blank or is security state
     */
    public static LoginAttributePolicy named(Collection<String> names) {
        Set<String> kept = new TreeSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || isSecurityState(name)) {
                throw new IllegalArgumentException("loginAttributes: '" + name + "' cannot cross a login"
                        + (name.isBlank() ? " (blank)" : " (security state)"));
            }
            kept.add(name);
        }
        return new LoginAttributePolicy(Kind.NAMED, Set.copyOf(kept));
    }

    /**
     * Whether an attribute of an anonymous session is kept when it logs in.
     *
     * @param name the attribute name
     * @return whether it crosses the login
     */
    public boolean carries(String name) {
        return switch (kind) {
            case ALL -> true;
            case NONE -> false;
            case APPLICATION -> !isSecurityState(name);
            case NAMED -> names.contains(name);
        };
    }

    /**
     * Whether a name is security state: Lanyard's reserved prefix or a well-known framework name.
     *
     * @param name an attribute name
     * @return whether it is security state
     */
    public static boolean isSecurityState(String name) {
        return name.startsWith(RESERVED_PREFIX) || SECURITY_STATE_NAMES.contains(name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoginAttributePolicy p && p.kind == kind && p.names.equals(names);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + names.hashCode();
    }

    /** The policy as the init-param {@code loginAttributes} spells it. */
    @Override
    public String toString() {
        return switch (kind) {
            case ALL -> "all";
            case NONE -> "none";
            case APPLICATION -> "application";
            case NAMED -> String.join(",", new TreeSet<>(names));
        };
    }
}
