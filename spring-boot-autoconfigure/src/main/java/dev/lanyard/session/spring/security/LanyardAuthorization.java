package dev.lanyard.session.spring.security;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Lanyard's route policies as Spring Security authorization rules, for {@code authorizeHttpRequests}:
 *
 * <pre>{@code
 * http.authorizeHttpRequests(auth -> auth
 *     .requestMatchers("/admin/**").access(LanyardAuthorization.authenticatedWithin(Duration.ofMinutes(10)))
 *     .anyRequest().authenticated());
 * }</pre>
 *
 * A request whose user did not authenticate within the window is denied, and Spring Security's entry point sends
 * an anonymous user to log in and a logged-in one to the access-denied handler (where the application asks for
 * the password again and calls {@code LanyardSessions.reauthenticated()}). Store failure needs no rule: the Lanyard
 * filter answers it before the chain runs, per {@code lanyard.failure-mode} and {@code lanyard.routes}.
 *
 * @param <T> the secured object; {@link RequestAuthorizationContext} or {@link HttpServletRequest}
 *
 * @since 0.1.0
 */
public final class LanyardAuthorization<T> implements AuthorizationManager<T> {

    private final Duration maxAge;

    private LanyardAuthorization(Duration maxAge) {
        if (Objects.requireNonNull(maxAge, "maxAge").isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge (" + maxAge + ") must be positive");
        }
        this.maxAge = maxAge;
    }

    /**
     * Grants access when the session's user authenticated (logged in or re-authenticated) within {@code maxAge}.
     *
     * @param maxAge the window, positive
     * @return the rule
     */
    public static LanyardAuthorization<RequestAuthorizationContext> authenticatedWithin(Duration maxAge) {
        return new LanyardAuthorization<>(maxAge);
    }

    /**
     * The same rule for method security or other secured objects that are requests.
     *
     * @param maxAge the window, positive
     * @return the rule
     */
    public static LanyardAuthorization<HttpServletRequest> requestAuthenticatedWithin(Duration maxAge) {
        return new LanyardAuthorization<>(maxAge);
    }

    /** Spring Security 7's entry point. */
    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, T object) {
        return decide(object);
    }

    /**
     * Spring Security 6's entry point (Boot 3.5), where this is the interface's abstract method.
     *
     * @param authentication the current authentication
     * @param object the secured object
     * @return the decision
     */
    public AuthorizationDecision check(Supplier<Authentication> authentication, T object) {
        return decide(object);
    }

    private AuthorizationDecision decide(T object) {
        HttpServletRequest request = object instanceof RequestAuthorizationContext context
                ? context.getRequest()
                : object instanceof HttpServletRequest plain ? plain : null;
        boolean granted = request != null
                && LanyardSessions.find(request)
                        .filter(s -> s.userId().isPresent())
                        .map(s -> s.authenticatedWithin(maxAge))
                        .orElse(false);
        return new AuthorizationDecision(granted);
    }

    @Override
    public String toString() {
        return "LanyardAuthorization[authenticatedWithin=" + maxAge + "]";
    }
}
