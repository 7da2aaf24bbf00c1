package dev.lanyard.session.spring.security;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * Keeps Spring Security's authenticated user in the Lanyard session's own user and roles fields, and rebuilds the
 * {@link Authentication} from them (through the {@link AuthenticationMapper}) on any node. Nothing Spring-specific
 * is serialized, so a deploy that changes Spring Security's classes loses no login.
 *
 * <p>Saving an authentication for a user the session does not hold logs the user in through Lanyard (new session
 * ID, version grows, the per-user limit applies); saving changed roles records a privilege change (new ID);
 * saving an empty context for a logged-in session logs out, removing the record on every node. Requests the
 * Lanyard filter did not handle have no context and save nothing.
 *
 * <p>Thread-safe. The context is loaded lazily: a request that never asks who the user is costs no store read.
 *
 * @since 0.1.0
 */
public final class LanyardSecurityContextRepository implements SecurityContextRepository {

    private final AuthenticationMapper mapper;

    /**
     * @param mapper converts between authentications and the session's user and roles
     */
    public LanyardSecurityContextRepository(AuthenticationMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** @return the mapper this repository uses */
    public AuthenticationMapper mapper() {
        return mapper;
    }

    /** Loads at once; Spring Security calls {@link #loadDeferredContext} instead. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        return load(holder.getRequest());
    }

    @Override
    public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
        return new Deferred(() -> load(request), () -> user(request).isEmpty());
    }

    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        Optional<LanyardSessions> found = LanyardSessions.find(request);
        if (found.isEmpty()) {
            return;
        }
        LanyardSessions sessions = found.get();
        Authentication authentication = context == null ? null : context.getAuthentication();
        if (!isUser(authentication)) {
            if (sessions.userId().isPresent()) {
                sessions.logout();
            }
            return;
        }
        String name = authentication.getName();
        Set<String> roles = mapper.roles(authentication);
        if (!name.equals(sessions.userId().orElse(null))) {
            sessions.login(name, roles);
        } else if (!roles.equals(sessions.roles())) {
            sessions.privilegeChanged(roles);
        }
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        return user(request).isPresent();
    }

    static boolean isUser(Authentication authentication) {
        return authentication != null
                && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken);
    }

    private static Optional<String> user(HttpServletRequest request) {
        return LanyardSessions.find(request).flatMap(LanyardSessions::userId);
    }

    private SecurityContext load(HttpServletRequest request) {
        SecurityContext context =
                SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
        Optional<LanyardSessions> sessions = LanyardSessions.find(request);
        Optional<String> user = sessions.flatMap(LanyardSessions::userId);
        if (user.isPresent()) {
            context.setAuthentication(mapper.restore(user.get(), sessions.get().roles()));
        }
        return context;
    }

    /** Loads once, when first asked. */
    private static final class Deferred implements DeferredSecurityContext {

        private final Supplier<SecurityContext> loader;
        private final Supplier<Boolean> generated;
        private SecurityContext value;

        Deferred(Supplier<SecurityContext> loader, Supplier<Boolean> generated) {
            this.loader = loader;
            this.generated = generated;
        }

        @Override
        public synchronized SecurityContext get() {
            if (value == null) {
                value = loader.get();
            }
            return value;
        }

        @Override
        public boolean isGenerated() {
            return generated.get();
        }
    }

    @Override
    public String toString() {
        return "LanyardSecurityContextRepository[" + mapper.getClass().getName() + "]";
    }
}
