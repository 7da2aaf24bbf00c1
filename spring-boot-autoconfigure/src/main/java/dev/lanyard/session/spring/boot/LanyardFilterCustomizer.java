package dev.lanyard.session.spring.boot;

import dev.lanyard.session.servlet.LanyardSessionFilter;

/**
 * Adjusts the filter the auto-configuration builds, after the {@code lanyard.*} properties are applied: add route
 * policies in code, a servlet listener, guessing detection. Declare one or more as beans; they run in
 * {@link org.springframework.core.annotation.Order} order.
 *
 * <pre>{@code
 * @Bean
 * LanyardFilterCustomizer adminRoutes() {
 *   return filter -> filter.route(RoutePolicy.forPattern("/admin/*")
 *       .stepUp(Duration.ofMinutes(10), StepUpAnswer.redirectTo("/login")).build());
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface LanyardFilterCustomizer {

    /**
     * Changes the builder.
     *
     * @param filter the filter's builder, with the properties already applied
     */
    void customize(LanyardSessionFilter.Builder filter);
}
