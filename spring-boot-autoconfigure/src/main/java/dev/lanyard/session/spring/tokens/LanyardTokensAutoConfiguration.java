package dev.lanyard.session.spring.tokens;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.spring.boot.LanyardAutoConfiguration;
import dev.lanyard.session.spring.boot.LanyardProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;

/**
 * Access-token beans when {@code session-jwt} is present and {@code lanyard.tokens.issuer} is set: a {@link KeyRing}
 * from {@code lanyard.tokens.jwk-set}, an {@link AccessTokenIssuer} and an {@link AccessTokenVerifier} that also
 * checks the session (version, revocation) through the {@link SessionManager}. Each backs off when the application
 * defines its own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LanyardAutoConfiguration.class)
@ConditionalOnClass({AccessTokenIssuer.class, com.nimbusds.jose.jwk.JWKSet.class})
@ConditionalOnBean(SessionManager.class)
@ConditionalOnProperty(prefix = "lanyard.tokens", name = "issuer")
public class LanyardTokensAutoConfiguration {

    /**
     * @param properties the properties
     * @return the keys read from {@code lanyard.tokens.jwk-set}
     */
    @Bean
    @ConditionalOnMissingBean
    public KeyRing lanyardTokenKeys(LanyardProperties properties) {
        Resource resource = properties.getTokens().getJwkSet();
        if (resource == null) {
            throw new IllegalArgumentException("lanyard.tokens.jwk-set is required with lanyard.tokens.issuer");
        }
        String json;
        try (InputStream in = resource.getInputStream()) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "lanyard.tokens.jwk-set cannot be read: " + e.getClass().getSimpleName());
        }
        return KeyRing.of(JwkSetKeys.read(json, properties.getTokens().getSigningKeyId()));
    }

    /**
     * @param keys the keys
     * @param properties the properties
     * @return the issuer
     */
    @Bean
    @ConditionalOnMissingBean
    public AccessTokenIssuer lanyardAccessTokenIssuer(KeyRing keys, LanyardProperties properties) {
        AccessTokenIssuer.Builder builder =
                AccessTokenIssuer.builder(keys).issuer(properties.getTokens().getIssuer());
        if (properties.getTokens().getAudience() != null) {
            builder.audience(properties.getTokens().getAudience());
        }
        if (properties.getTokens().getLifetime() != null) {
            builder.lifetime(properties.getTokens().getLifetime());
        }
        return builder.build();
    }

    /**
     * @param keys the keys
     * @param properties the properties
     * @param manager the session manager, for checked verification
     * @return the verifier
     */
    @Bean
    @ConditionalOnMissingBean
    public AccessTokenVerifier lanyardAccessTokenVerifier(
            KeyRing keys, LanyardProperties properties, SessionManager manager) {
        AccessTokenVerifier.Builder builder = AccessTokenVerifier.builder(keys)
                .issuer(properties.getTokens().getIssuer())
                .manager(manager);
        if (properties.getTokens().getAudience() != null) {
            builder.audience(properties.getTokens().getAudience());
        }
        return builder.build();
    }
}
