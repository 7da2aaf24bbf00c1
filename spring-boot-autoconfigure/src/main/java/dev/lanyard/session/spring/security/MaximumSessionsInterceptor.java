package dev.lanyard.session.spring.security;

import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.session.ConcurrentSessionControlAuthenticationStrategy;

/**
 * Takes Spring Security's {@code sessionManagement(s -> s.maximumSessions(n))} over. The strategy
 * the DSL builds counts the user's sessions and then registers the new one, two steps that
 * simultaneous logins pass together (spring-security #12867). Lanyard's login already applies its
 * own limit in the store, in the same atomic step as the login; this post-processor reads the DSL's
 * limit ({@link LimitProbe}), checks that it is Lanyard's, and puts a strategy in its place that
 * leaves the decision to that step. A DSL limit that differs from Lanyard's stops the start with
 * the properties to set, so a limit is never enforced only per node or only in part.
 */
final class MaximumSessionsInterceptor implements ObjectPostProcessor<Object> {

    private final Supplier<SessionManager> manager;
    private final Supplier<LanyardSessionRegistry> registry;

    MaximumSessionsInterceptor(Supplier<SessionManager> manager, Supplier<LanyardSessionRegistry> registry) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <O> O postProcess(O object) {
        if (!(object instanceof ConcurrentSessionControlAuthenticationStrategy dsl)
                || object instanceof EnforcedByLanyard) {
            return object;
        }
        Optional<SessionLimit> wanted = LimitProbe.limitOf(dsl);
        if (wanted.isEmpty()) {
            return object;
        }
        SessionLimit lanyard = manager.get().policy().sessionLimit();
        if (!wanted.get().equals(lanyard)) {
            throw new IllegalStateException(mismatch(wanted.get(), lanyard));
        }
        return (O) new EnforcedByLanyard(registry.get());
    }

    static String mismatch(SessionLimit wanted, SessionLimit lanyard) {
        boolean refuse = wanted.overflow() == OverflowRule.REFUSE_NEW;
        return "Spring Security's maximumSessions(" + wanted.maxSessions() + ") with "
                + "maxSessionsPreventsLogin(" + refuse + ") is enforced by Lanyard in the store, atomically "
                + "on every node, so Lanyard's limit must say the same: set lanyard.session-limit="
                + wanted.maxSessions() + " and lanyard.session-limit-overflow=" + (refuse ? "refuse" : "evict")
                + " (the SessionManager's limit is now " + describe(lanyard) + ")";
    }

    private static String describe(SessionLimit limit) {
        if (!limit.isLimited()) {
            return "none";
        }
        return limit.maxSessions() + ", " + (limit.overflow() == OverflowRule.REFUSE_NEW ? "refuse" : "evict");
    }

    /**
     * Stands where the DSL's strategy stood: the limit was applied when Lanyard logged the user in,
     * before this runs, so there is nothing left to decide.
     */
    static final class EnforcedByLanyard extends ConcurrentSessionControlAuthenticationStrategy {

        EnforcedByLanyard(LanyardSessionRegistry registry) {
            super(registry);
        }

        @Override
        public void onAuthentication(
                Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
            // LanyardSessionAuthenticationStrategy runs first and applied the limit atomically.
        }

        @Override
        public String toString() {
            return "EnforcedByLanyard";
        }
    }
}
