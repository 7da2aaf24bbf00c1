package dev.lanyard.session.spring.security;

import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.authentication.session.CompositeSessionAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Applies Lanyard to an {@code HttpSecurity} chain. Registered as one of Spring Security's default configurers
 * ({@code META-INF/spring.factories}), so every chain built from Spring's {@code HttpSecurity} bean gets it
 * without a line of code, as long as the auto-configuration created the Lanyard security beans
 * ({@code lanyard.security.enabled}, on by default).
 *
 * <ul>
 *   <li>The security context lives in Lanyard's user and roles fields ({@link LanyardSecurityContextRepository}),
 *       unless the chain names its own repository.
 *   <li>Login goes through Lanyard ({@link LanyardSessionAuthenticationStrategy}, run before the chain's other
 *       session strategies such as the CSRF token's renewal): a new session ID and the per-user limit. Spring's
 *       own fixation strategy is set to none, as Lanyard already rotates; a chain that configures
 *       {@code sessionFixation()} itself keeps its choice.
 *   <li>Spring Security's {@code maximumSessions(n)} is Lanyard's limit: the strategy the DSL
 *       builds, which counts and registers in two steps that simultaneous logins pass together, is
 *       replaced, and Lanyard's login applies the limit atomically in the store. The DSL's limit and
 *       overflow rule must equal Lanyard's ({@code lanyard.session-limit},
 *       {@code lanyard.session-limit-overflow}); if they differ the chain does not build, and the
 *       message names the properties to set.
 *   <li>The saved request before login is a URL string ({@link LanyardRequestCache}), unless the chain names its
 *       own cache.
 * </ul>
 *
 * <p>A failed login's {@code AuthenticationException}, which Spring's failure handler keeps in the session and
 * which carries the password that was tried, is stored as its message only.
 *
 * <p>Logout needs nothing: Spring's logout invalidates the {@code HttpSession}, which removes the Lanyard record
 * on every node. For "sign out everywhere" add {@link SignOutEverywhere} as a logout handler, or call it.
 *
 * @since 0.1.0
 */
public final class LanyardHttpConfigurer extends AbstractHttpConfigurer<LanyardHttpConfigurer, HttpSecurity> {

    private static final Logger LOG = LoggerFactory.getLogger(LanyardHttpConfigurer.class);

    /** Used by Spring Security's default-configurer loading. */
    public LanyardHttpConfigurer() {}

    /**
     * Runs when the chain's {@code HttpSecurity} is created, before the application's own configuration, so that
     * whatever the application configures itself (a repository, a request cache, a fixation strategy) wins.
     */
    @Override
    public void setBuilder(HttpSecurity http) {
        super.setBuilder(http);
        LanyardSecurityContextRepository repository = repository(http);
        if (repository == null) {
            return;
        }
        try {
            http.securityContext(context -> context.securityContextRepository(repository));
            http.requestCache(cache -> cache.requestCache(new LanyardRequestCache()));
            LanyardSessionRegistry registry =
                    context(http).getBeanProvider(LanyardSessionRegistry.class).getIfAvailable();
            ChainLimit chainLimit = new ChainLimit();
            http.setSharedObject(ChainLimit.class, chainLimit);
            http.sessionManagement(session -> {
                session.sessionFixation(fixation -> fixation.none());
                if (registry != null) {
                    session.addObjectPostProcessor(new MaximumSessionsInterceptor(
                            () -> context(http).getBean(SessionManager.class), () -> registry, chainLimit::set));
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("could not apply Lanyard to the security chain", e);
        }
    }

    /** Puts Lanyard's login first among the chain's session strategies (the CSRF token's renewal follows). */
    @Override
    public void init(HttpSecurity http) {
        if (repository(http) == null) {
            return;
        }
        SecurityContextRepository current = http.getSharedObject(SecurityContextRepository.class);
        if (!(current instanceof LanyardSecurityContextRepository)) {
            LOG.info(
                    "this security chain keeps its own SecurityContextRepository ({}), not Lanyard's",
                    current == null ? "none" : current.getClass().getName());
        }
        LanyardSessionAuthenticationStrategy lanyard =
                context(http).getBean(LanyardSessionAuthenticationStrategy.class);
        ChainLimit chainLimit = http.getSharedObject(ChainLimit.class);
        if (chainLimit != null) {
            lanyard = lanyard.forChain(chainLimit::get);
        }
        SessionAuthenticationStrategy others = http.getSharedObject(SessionAuthenticationStrategy.class);
        http.setSharedObject(
                SessionAuthenticationStrategy.class,
                others == null ? lanyard : new CompositeSessionAuthenticationStrategy(List.of(lanyard, others)));
    }

    /** Keeps a failed login's exception (and the password it carries) out of the store. */
    @Override
    public void configure(HttpSecurity http) {
        if (repository(http) != null) {
            http.addFilterBefore(new AuthenticationFailureScrubber(), SecurityContextHolderFilter.class);
        }
    }

    private static ApplicationContext context(HttpSecurity http) {
        return http.getSharedObject(ApplicationContext.class);
    }

    private static LanyardSecurityContextRepository repository(HttpSecurity http) {
        ApplicationContext context = context(http);
        return context == null
                ? null
                : context.getBeanProvider(LanyardSecurityContextRepository.class)
                        .getIfAvailable();
    }

    /** The limit this chain's {@code maximumSessions(n)} set, once the DSL is applied; {@code null} before. */
    static final class ChainLimit {
        private volatile SessionLimit limit;

        void set(SessionLimit limit) {
            this.limit = limit;
        }

        SessionLimit get() {
            return limit;
        }
    }
}
