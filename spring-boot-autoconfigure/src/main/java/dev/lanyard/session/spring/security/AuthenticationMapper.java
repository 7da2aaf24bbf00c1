package dev.lanyard.session.spring.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The extension point between Spring Security's {@link Authentication} and what a Lanyard session keeps: the
 * user ID (the authentication's name) and a set of role strings. The session never holds Spring objects, so any
 * node rebuilds the authentication from these two fields alone.
 *
 * <p>The default keeps every authority string as a role and rebuilds a {@link UsernamePasswordAuthenticationToken}
 * whose principal is the user ID. For a richer principal (a {@code UserDetails} from your user store, with the
 * display name, tenant and so on), declare a bean that overrides {@link #restore}:
 *
 * <pre>{@code
 * @Bean
 * AuthenticationMapper richPrincipal(UserDetailsService users) {
 *   return new AuthenticationMapper() {
 *     public Authentication restore(String userId, Set<String> roles) {
 *       UserDetails user = users.loadUserByUsername(userId);      // one look-up per request: cache it
 *       return UsernamePasswordAuthenticationToken.authenticated(user, null, AuthenticationMapper.authorities(roles));
 *     }
 *   };
 * }
 * }</pre>
 *
 * <p>Implementations are called on every request that presents a logged-in session, so must be thread-safe and
 * cheap. Role strings may not contain commas.
 *
 * @since 0.1.0
 */
public interface AuthenticationMapper {

    /**
     * The roles to keep in the session for an authentication; by default its authority strings.
     *
     * @param authentication a successful authentication
     * @return role strings, in a stable order
     */
    default Set<String> roles(Authentication authentication) {
        Set<String> roles = new LinkedHashSet<>();
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            if (authority.getAuthority() != null) {
                roles.add(authority.getAuthority());
            }
        }
        return roles;
    }

    /**
     * Rebuilds the authentication of a logged-in session.
     *
     * @param userId the session's user
     * @param roles the session's roles
     * @return an authenticated {@link Authentication} whose {@code getName()} is {@code userId}
     */
    default Authentication restore(String userId, Set<String> roles) {
        return UsernamePasswordAuthenticationToken.authenticated(userId, null, authorities(roles));
    }

    /**
     * Turns role strings into authorities.
     *
     * @param roles role strings
     * @return one {@link SimpleGrantedAuthority} per role
     */
    static List<GrantedAuthority> authorities(Collection<String> roles) {
        return roles.stream().<GrantedAuthority>map(SimpleGrantedAuthority::new).toList();
    }

    /** @return the default mapper */
    static AuthenticationMapper defaults() {
        return new AuthenticationMapper() {};
    }
}
