package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.LoginAttributePolicy;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memcached.MemcachedSessionStore;
import dev.lanyard.session.memcached.MemcachedStoreMetrics;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.metrics.SessionMetrics;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spring.actuate.LanyardActuatorAutoConfiguration;
import dev.lanyard.session.spring.actuate.LanyardSessionsEndpoint;
import dev.lanyard.session.spring.actuate.StoreProbe;
import dev.lanyard.session.spring.security.LanyardSecurityAutoConfiguration;
import dev.lanyard.session.spring.security.LanyardSecurityContextRepository;
import dev.lanyard.session.spring.security.LanyardSessionAuthenticationStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.context.SecurityContextRepository;

/** Every condition of the auto-configuration, without a server. Line-neutral: runs on Boot 4.0 and 3.5. */
class LanyardAutoConfigurationTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    LanyardAutoConfiguration.class,
                    LanyardSecurityAutoConfiguration.class,
                    LanyardActuatorAutoConfiguration.class));

    @Test
    void aWebApplicationGetsTheMemoryStoreTheManagerAndTheFilter() {
        web.run(context -> {
            assertThat(context).hasSingleBean(SessionManager.class).hasSingleBean(LanyardSessionFilter.class);
            assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class);
        });
    }

    @Test
    void theFilterRunsForEveryDispatcherTypeWithAsyncSupportAheadOfSpringSecurity() {
        web.run(context -> {
            FilterRegistrationBean<?> registration =
                    (FilterRegistrationBean<?>) context.getBean(LanyardAutoConfiguration.FILTER_REGISTRATION_BEAN);
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.getOrder()).isLessThan(-100);
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(dispatcherTypes(registration)).isEqualTo(EnumSet.allOf(DispatcherType.class));
        });
    }

    @Test
    void propertiesBindToTheLibrarysOptions() {
        web.withPropertyValues(
                        "lanyard.idle-timeout=5m",
                        "lanyard.absolute-timeout=PT2H",
                        "lanyard.session-limit=3",
                        "lanyard.session-limit-overflow=evict",
                        "lanyard.cookie-same-site=strict",
                        "lanyard.failure-mode=open",
                        "lanyard.routes[/admin/*].step-up=10m",
                        "lanyard.routes[/admin/*].on-step-up=redirect:/login",
                        "lanyard.routes[/health].failure-mode=open",
                        "lanyard.node-id=node-a",
                        "lanyard.filter.order=-500")
                .run(context -> {
                    SessionManager manager = context.getBean(SessionManager.class);
                    assertThat(manager.policy().idleTimeout()).hasMinutes(5);
                    assertThat(manager.policy().absoluteTimeout()).hasHours(2);
                    assertThat(manager.policy().sessionLimit().maxSessions()).isEqualTo(3);
                    assertThat(manager.nodeId()).hasValue("node-a");
                    assertThat(context.getBean(LanyardProperties.class).getRoutes())
                            .containsKeys("/admin/*", "/health");
                    assertThat(((FilterRegistrationBean<?>)
                                            context.getBean(LanyardAutoConfiguration.FILTER_REGISTRATION_BEAN))
                                    .getOrder())
                            .isEqualTo(-500);
                });
    }

    @Test
    void theLoginBoundaryPolicyBindsFromAKeywordOrNames() {
        web.run(context -> assertThat(
                        context.getBean(SessionManager.class).policy().loginAttributes())
                .isEqualTo(LoginAttributePolicy.applicationAttributes()));
        web.withPropertyValues("lanyard.login-attributes=cart,locale").run(context -> {
            LoginAttributePolicy policy =
                    context.getBean(SessionManager.class).policy().loginAttributes();
            assertThat(policy.carries("cart")).isTrue();
            assertThat(policy.carries("locale")).isTrue();
            assertThat(policy.carries("wishlist")).isFalse();
        });
        web.withPropertyValues("lanyard.login-attributes=none")
                .run(context -> assertThat(
                                context.getBean(SessionManager.class).policy().loginAttributes())
                        .isEqualTo(LoginAttributePolicy.none()));
        web.withPropertyValues("lanyard.login-attributes=SPRING_SECURITY_CONTEXT")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("lanyard.login-attributes"));
    }

    @Test
    void periodicIdRenewalBindsToTheFilter() {
        web.withPropertyValues("lanyard.id-renewal-interval=15m", "lanyard.id-renewal-overlap=1m")
                .run(context -> assertThat(context).hasNotFailed());
        // Beyond the five-minute cap: the filter's own check names the option, so the property reached it.
        web.withPropertyValues("lanyard.id-renewal-interval=15m", "lanyard.id-renewal-overlap=10m")
                .run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("idRenewalOverlap"));
    }

    @Test
    void aBadValueStopsTheStartWithTheOptionsName() {
        web.withPropertyValues("lanyard.session-limit-overflow=evict").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("session-limit");
        });
        web.withPropertyValues("lanyard.routes[/a].on-step-up=redirect:/x")
                .run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lanyard.routes[/a]"));
        web.withPropertyValues("lanyard.idle-timeout=PT2H", "lanyard.absolute-timeout=PT1H")
                .run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("idleTimeout"));
    }

    @Test
    void theApplicationsOwnStoreAndManagerWin() {
        InMemorySessionStore own = InMemorySessionStore.create();
        web.withBean("myStore", SessionStore.class, () -> own).run(context -> {
            assertThat(context.getBean(SessionStore.class)).isSameAs(own);
            assertThat(context).hasSingleBean(SessionManager.class);
        });
        SessionManager manager =
                SessionManager.builder(InMemorySessionStore.create()).build();
        web.withBean("myManager", SessionManager.class, () -> manager)
                .run(context ->
                        assertThat(context.getBean(SessionManager.class)).isSameAs(manager));
    }

    @Test
    void theApplicationsOwnFilterRegistrationWins() {
        web.withBean(
                        LanyardAutoConfiguration.FILTER_REGISTRATION_BEAN,
                        FilterRegistrationBean.class,
                        FilterRegistrationBean::new)
                .run(context -> assertThat(((FilterRegistrationBean<?>)
                                        context.getBean(LanyardAutoConfiguration.FILTER_REGISTRATION_BEAN))
                                .getFilter())
                        .isNull());
    }

    @Test
    void theStoreIsClosedWithTheContext() {
        web.run(context -> assertThat(context.getBeanFactory()
                        .getBeanDefinition("lanyardSessionStore")
                        .getDestroyMethodName())
                .isEqualTo("close"));
    }

    @Test
    void offSwitchCreatesNothing() {
        web.withPropertyValues("lanyard.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean(SessionManager.class)
                        .doesNotHaveBean(SessionStore.class)
                        .doesNotHaveBean(LanyardSessionFilter.class)
                        .doesNotHaveBean(LanyardSecurityContextRepository.class));
    }

    @Test
    void aNonWebApplicationGetsTheManagerButNoFilter() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(LanyardAutoConfiguration.class, LanyardSecurityAutoConfiguration.class))
                .run(context -> assertThat(context)
                        .hasSingleBean(SessionManager.class)
                        .doesNotHaveBean(LanyardSessionFilter.class)
                        .doesNotHaveBean(LanyardSecurityContextRepository.class));
    }

    @Test
    void withoutTheRedisModuleTheMemoryStoreStillWorks() {
        web.withClassLoader(new FilteredClassLoader("dev.lanyard.session.redis"))
                .run(context ->
                        assertThat(context.getBean(SessionStore.class)).isInstanceOf(InMemorySessionStore.class));
    }

    @Test
    void aRedisLocationWithoutTheRedisModuleFailsNamingTheModule() {
        web.withPropertyValues("lanyard.store=nosuch://localhost:6379")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("no session store adapter")
                        .hasMessageContaining("session-redis"));
    }

    @Test
    void nearCacheNeedsRedis() {
        web.withPropertyValues("lanyard.near-cache=true")
                .run(context ->
                        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lanyard.near-cache"));
    }

    @Test
    void metricsAreBoundWhenMicrometerIsPresent() {
        web.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            assertThat(context).hasSingleBean(SessionMetrics.class);
        });
        web.withPropertyValues("lanyard.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SessionMetrics.class));
        web.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .run(context -> assertThat(context)
                        .doesNotHaveBean(SessionMetrics.class)
                        .hasSingleBean(SessionManager.class));
    }

    @Test
    void aMemcachedStoreHasItsOwnMetersBoundAndOtherStoresDoNot() throws Exception {
        // No memcached runs at this port: the store starts anyway, and its meters read its counters.
        String memcached =
                "lanyard.store=memcached://127.0.0.1:" + closedPort() + "?timeout=200ms&connectTimeout=200ms";
        web.withPropertyValues(memcached).run(context -> {
            assertThat(context.getBean(SessionStore.class)).isInstanceOf(MemcachedSessionStore.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("lanyardMemcachedStoreMetrics", MeterBinder.class).bindTo(registry);
            assertThat(registry.find("lanyard.memcached.sessions.lost")
                            .tag("cause", "dead_server")
                            .functionCounter())
                    .isNotNull();
            assertThat(registry.find("lanyard.memcached.cas.writes").functionCounter())
                    .isNotNull();
        });
        web.run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean("lanyardMemcachedStoreMetrics", MeterBinder.class).bindTo(registry);
            assertThat(registry.find("lanyard.memcached.sessions.lost").meters())
                    .isEmpty();
        });
        web.withPropertyValues(memcached, "lanyard.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("lanyardMemcachedStoreMetrics"));
        web.withPropertyValues(memcached)
                .withUserConfiguration(OwnMemcachedMeters.class)
                .run(context -> assertThat(context)
                        .doesNotHaveBean("lanyardMemcachedStoreMetrics")
                        .hasSingleBean(MemcachedStoreMetrics.class));
    }

    /** An application's own Memcached meters, with a tag: Lanyard's binder backs off. */
    @Configuration(proxyBeanMethods = false)
    static class OwnMemcachedMeters {
        @Bean
        MemcachedStoreMetrics ownMemcachedMeters(SessionStore store) {
            return MemcachedStoreMetrics.of((MemcachedSessionStore) store).withTags(Tags.of("store", "sessions"));
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theManagerHearsTheMetricsListener() {
        web.run(context -> {
            SessionManager manager = context.getBean(SessionManager.class);
            SessionMetrics metrics = context.getBean(SessionMetrics.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);
            manager.create(dev.lanyard.session.ClientInfo.UNKNOWN);
            assertThat(registry.getMeters()).isNotEmpty();
            assertThat(registry.getMeters().stream()
                            .mapToDouble(m -> m.measure().iterator().next().getValue())
                            .sum())
                    .isPositive();
        });
    }

    @Test
    void springSecurityBeansFollowTheirConditions() {
        web.run(context -> assertThat(context)
                .hasSingleBean(LanyardSecurityContextRepository.class)
                .hasSingleBean(LanyardSessionAuthenticationStrategy.class));
        web.withPropertyValues("lanyard.security.enabled=false")
                .run(context -> assertThat(context)
                        .doesNotHaveBean(LanyardSecurityContextRepository.class)
                        .hasSingleBean(SessionManager.class));
        web.withClassLoader(new FilteredClassLoader(SecurityContextRepository.class))
                .run(context -> assertThat(context)
                        .doesNotHaveBean(LanyardSecurityContextRepository.class)
                        .hasSingleBean(SessionManager.class));
    }

    @Test
    void theSessionRegistryIsLanyardsUnlessTheApplicationHasOne() {
        web.run(context -> assertThat(context.getBean(org.springframework.security.core.session.SessionRegistry.class))
                .isInstanceOf(dev.lanyard.session.spring.security.LanyardSessionRegistry.class));
        web.withBean(
                        org.springframework.security.core.session.SessionRegistry.class,
                        org.springframework.security.core.session.SessionRegistryImpl::new)
                .run(context -> assertThat(context)
                        .doesNotHaveBean(dev.lanyard.session.spring.security.LanyardSessionRegistry.class));
    }

    @Test
    void theSessionsEndpointNeedsExposure() {
        web.run(context ->
                assertThat(context).hasSingleBean(StoreProbe.class).doesNotHaveBean(LanyardSessionsEndpoint.class));
        web.withPropertyValues("management.endpoints.web.exposure.include=sessions")
                .run(context -> assertThat(context).hasSingleBean(LanyardSessionsEndpoint.class));
        web.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context ->
                        assertThat(context).doesNotHaveBean(StoreProbe.class).hasSingleBean(SessionManager.class));
    }

    @Test
    void tokensComeFromTheJwkSetAndVerifyAgainstTheSession(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path jwks = dir.resolve("keys.json");
        java.nio.file.Files.writeString(
                jwks,
                "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k1\",\"alg\":\"HS256\"," + "\"k\":\""
                        + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(randomSecret()) + "\"}]}");
        web.withConfiguration(
                        AutoConfigurations.of(dev.lanyard.session.spring.tokens.LanyardTokensAutoConfiguration.class))
                .withPropertyValues(
                        "lanyard.tokens.issuer=https://shop.example",
                        "lanyard.tokens.audience=shop-api",
                        "lanyard.tokens.jwk-set=" + jwks.toUri())
                .run(context -> {
                    SessionManager manager = context.getBean(SessionManager.class);
                    dev.lanyard.session.Session session = manager.login(
                                    manager.create(dev.lanyard.session.ClientInfo.UNKNOWN)
                                            .session(),
                                    "alice",
                                    dev.lanyard.session.ClientInfo.UNKNOWN)
                            .session();
                    String token = context.getBean(dev.lanyard.session.jwt.AccessTokenIssuer.class)
                            .issue(session)
                            .value();
                    assertThat(context.getBean(dev.lanyard.session.jwt.AccessTokenVerifier.class)
                                    .verify(token, dev.lanyard.session.jwt.VerificationMode.CHECKED)
                                    .isValid())
                            .isTrue();
                });
        web.withConfiguration(
                        AutoConfigurations.of(dev.lanyard.session.spring.tokens.LanyardTokensAutoConfiguration.class))
                .withPropertyValues("lanyard.tokens.issuer=https://shop.example")
                .run(context -> assertThat(context.getStartupFailure())
                        .rootCause()
                        .hasMessageContaining("lanyard.tokens.jwk-set"));
        web.withConfiguration(
                        AutoConfigurations.of(dev.lanyard.session.spring.tokens.LanyardTokensAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(dev.lanyard.session.jwt.AccessTokenIssuer.class));
    }

    private static EnumSet<DispatcherType> dispatcherTypes(FilterRegistrationBean<?> registration) {
        EnumSet<DispatcherType> types = EnumSet.noneOf(DispatcherType.class);
        for (DispatcherType type : DispatcherType.values()) {
            if (registration.determineDispatcherTypes().contains(type)) {
                types.add(type);
            }
        }
        return types;
    }

    /** A random HS256 secret: the key ring refuses visibly low-entropy ones such as all zeros. */
    private static byte[] randomSecret() {
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        return secret;
    }
}
