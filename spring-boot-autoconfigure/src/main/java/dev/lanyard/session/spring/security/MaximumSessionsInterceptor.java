package dev.lanyard.session.spring.security;

import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.session.ConcurrentSessionControlAuthenticationStrategy;

/**
 * Takes Spring Security's {@code sessionManagement(s -> s.maximumSessions(n))} over. The strategy
 * the DSL builds counts the user's sessions and then registers the new one, two steps that
 * simultaneous logins pass together (spring-security #12867). This post-processor reads the DSL's
 * limit ({@link LimitProbe}), hands it to the chain's Lanyard login, which applies it in the store in
 * the same atomic step as the login, and puts a strategy in the DSL's place that leaves the decision
 * to that step. The DSL alone is enough; {@code lanyard.session-limit} stays the limit of logins
 * made outside such a chain.
 */
final class MaximumSessionsInterceptor implements ObjectPostProcessor<Object> {

    private final Supplier<SessionManager> manager;
    private final Supplier<LanyardSessionRegistry> registry;
    private final Consumer<SessionLimit> chainLimit;

    MaximumSessionsInterceptor(
            Supplier<SessionManager> manager,
            Supplier<LanyardSessionRegistry> registry,
            Consumer<SessionLimit> chainLimit) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.chainLimit = Objects.requireNonNull(chainLimit, "chainLimit");
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
        if (!manager.get().indexesUsers()) {
            throw new IllegalStateException(
                    "Spring Security's maximumSessions(" + wanted.get().maxSessions()
                            + ") is enforced by Lanyard in the store, which needs a store that keeps a per-user index "
                            + "(memory, Redis or JDBC; not Memcached)");
        }
        chainLimit.accept(wanted.get());
        return (O) new EnforcedByLanyard(registry.get());
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
