/**
 * Spring Boot auto-configuration for Lanyard: the {@code lanyard.*} properties, the filter registered ahead of
 * Spring Security's chain, and the {@code SessionManager}, {@code SessionStore} and {@code SessionMetrics} beans,
 * each of which backs off when the application defines its own.
 */
package dev.lanyard.session.spring.boot;
