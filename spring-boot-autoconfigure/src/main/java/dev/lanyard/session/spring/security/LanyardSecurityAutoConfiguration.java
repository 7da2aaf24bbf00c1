package dev.lanyard.session.spring.security;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.spring.boot.LanyardAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.web.context.SecurityContextRepository;

/**
 * The Spring Security integration's beans, when Spring Security's web and config modules are present and
 * {@code lanyard.security.enabled} is not false. {@link LanyardHttpConfigurer} wires them into every chain.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LanyardAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityContextRepository.class, HttpSecurity.class})
@ConditionalOnBean(SessionManager.class)
@ConditionalOnProperty(prefix = "lanyard.security", name = "enabled", havingValue = "true", matchIfMissing = true)
public class LanyardSecurityAutoConfiguration {

    /**
     * @return the default mapping between authentications and the session's user and roles
     */
    @Bean
    @ConditionalOnMissingBean
    public AuthenticationMapper lanyardAuthenticationMapper() {
        return AuthenticationMapper.defaults();
    }

    /**
     * @param mapper the mapper
     * @return the repository keeping the user in Lanyard's fields
     */
    @Bean
    @ConditionalOnMissingBean
    public LanyardSecurityContextRepository lanyardSecurityContextRepository(
            ObjectProvider<AuthenticationMapper> mapper) {
        return new LanyardSecurityContextRepository(mapper.getIfAvailable(AuthenticationMapper::defaults));
    }

    /**
     * @param mapper the mapper
     * @return the login strategy (rotation and the per-user limit)
     */
    @Bean
    @ConditionalOnMissingBean
    public LanyardSessionAuthenticationStrategy lanyardSessionAuthenticationStrategy(
            ObjectProvider<AuthenticationMapper> mapper) {
        return new LanyardSessionAuthenticationStrategy(mapper.getIfAvailable(AuthenticationMapper::defaults));
    }

    /**
     * The registry Spring Security's {@code maximumSessions(n)} reads, answered from the store; its
     * presence lets {@link LanyardHttpConfigurer} take the DSL's limit over.
     *
     * @param manager the manager
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean(SessionRegistry.class)
    public LanyardSessionRegistry lanyardSessionRegistry(SessionManager manager) {
        return new LanyardSessionRegistry(manager);
    }
}
