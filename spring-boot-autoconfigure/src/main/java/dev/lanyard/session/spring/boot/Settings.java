package dev.lanyard.session.spring.boot;

import dev.lanyard.session.LoginAttributePolicy;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.servlet.CookieSettings;
import dev.lanyard.session.servlet.CsrfMode;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.servlet.RoutePolicy;
import dev.lanyard.session.servlet.StepUpAnswer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the {@code lanyard.*} properties into the library's builders. Every check is the library's own, so a bad
 * value fails with the library's message, which names the option.
 */
final class Settings {

    /** Packages of Spring Security's own session values that hold nothing but strings (the CSRF token). */
    static final List<String> SPRING_SECURITY_VALUE_PACKAGES = List.of("org.springframework.security.web.csrf");

    private Settings() {}

    /** The store location with the near-cache switch applied. */
    static String storeLocation(LanyardProperties p) {
        String location = p.getStore() == null || p.getStore().isBlank()
                ? "memory:"
                : p.getStore().trim();
        if (!p.isNearCache()) {
            return location;
        }
        if (!location.toLowerCase(Locale.ROOT).startsWith("redis")) {
            throw new IllegalArgumentException("lanyard.near-cache needs a Redis store (lanyard.store=redis://...)");
        }
        return location + (location.indexOf('?') < 0 ? "?" : "&") + "nearCache=true";
    }

    static SessionPolicy policy(LanyardProperties p) {
        SessionPolicy.Builder b = SessionPolicy.builder();
        if (p.getIdleTimeout() != null) {
            b.idleTimeout(p.getIdleTimeout());
        }
        if (p.getAnonymousIdleTimeout() != null) {
            b.anonymousIdleTimeout(p.getAnonymousIdleTimeout());
        }
        if (p.getAbsoluteTimeout() != null) {
            b.absoluteTimeout(p.getAbsoluteTimeout());
        }
        if (p.getTouchInterval() != null) {
            b.touchInterval(p.getTouchInterval());
        }
        if (p.getClockSkew() != null) {
            b.clockSkew(p.getClockSkew());
        }
        if (p.getPayloadSoftLimit() != null) {
            b.payloadSoftLimit(p.getPayloadSoftLimit());
        }
        if (p.getPayloadHardLimit() != null) {
            b.payloadHardLimit(p.getPayloadHardLimit());
        }
        if (!p.getLoginAttributes().isEmpty()) {
            b.loginAttributes(loginAttributes(p.getLoginAttributes()));
        }
        if (p.getSessionLimit() != null) {
            b.sessionLimit(
                    p.getSessionLimitOverflow() == LanyardProperties.SessionLimitOverflow.EVICT
                            ? SessionLimit.evictBeyond(p.getSessionLimit())
                            : SessionLimit.refuseBeyond(p.getSessionLimit()));
        } else if (p.getSessionLimitOverflow() != null) {
            throw new IllegalArgumentException("lanyard.session-limit-overflow needs lanyard.session-limit");
        }
        return b.build();
    }

    /** {@code lanyard.login-attributes}: one of application, all, none, or attribute names. */
    static LoginAttributePolicy loginAttributes(List<String> values) {
        if (values.size() == 1) {
            switch (values.get(0).trim().toLowerCase(Locale.ROOT)) {
                case "application":
                    return LoginAttributePolicy.applicationAttributes();
                case "all":
                    return LoginAttributePolicy.all();
                case "none":
                    return LoginAttributePolicy.none();
                default:
                    break;
            }
        }
        try {
            return LoginAttributePolicy.named(values.stream().map(String::trim).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lanyard.login-attributes: " + e.getMessage());
        }
    }

    static DefaultAttributeCodec codec(LanyardProperties p, ClassLoader loader, boolean springSecurity) {
        DefaultAttributeCodec.Builder codec = DefaultAttributeCodec.builder();
        if (loader != null) {
            codec.classLoader(loader);
        }
        for (String pkg : p.getAllowedPackages()) {
            codec.allowPackage(pkg);
        }
        if (springSecurity) {
            SPRING_SECURITY_VALUE_PACKAGES.forEach(codec::allowPackage);
        }
        return codec.build();
    }

    static LanyardSessionFilter.Builder filter(SessionManager manager, LanyardProperties p) {
        LanyardSessionFilter.Builder b = LanyardSessionFilter.builder(manager);
        CookieSettings.Builder cookie = CookieSettings.builder();
        if (p.getCookieName() != null) {
            cookie.name(p.getCookieName());
        }
        if (p.getCookieSecure() != null) {
            cookie.secure(p.getCookieSecure());
        }
        if (p.getCookieHttpOnly() != null) {
            cookie.httpOnly(p.getCookieHttpOnly());
        }
        if (p.getCookieSameSite() != null) {
            cookie.sameSite(p.getCookieSameSite());
        }
        if (p.getCookiePath() != null) {
            cookie.path(p.getCookiePath());
        }
        if (p.getCookieDomain() != null && !p.getCookieDomain().isBlank()) {
            cookie.domain(p.getCookieDomain());
        }
        if (p.getCookieMaxAge() != null) {
            cookie.maxAge(p.getCookieMaxAge());
        }
        b.cookie(cookie.build());
        if (p.getHeaderName() != null && !p.getHeaderName().isBlank()) {
            b.headerName(p.getHeaderName());
        }
        if (p.getFailureMode() != null) {
            b.failureMode(p.getFailureMode());
        }
        if (p.getRetryAfter() != null) {
            b.retryAfter(p.getRetryAfter());
        }
        if (p.getCsrf() != null) {
            b.csrf(csrf(p.getCsrf()));
        }
        p.getCsrfTrustedOrigins().forEach(b::csrfTrustedOrigin);
        if (p.getCsrfHeaderName() != null) {
            b.csrfHeaderName(p.getCsrfHeaderName());
        }
        if (p.getCsrfParameterName() != null) {
            b.csrfParameterName(p.getCsrfParameterName());
        }
        if (p.getRequestIdHeader() != null) {
            if (p.getRequestIdHeader().isBlank() || p.getRequestIdHeader().equalsIgnoreCase("none")) {
                b.withoutRequestIds();
            } else {
                b.requestIdHeader(p.getRequestIdHeader());
            }
        }
        if (p.getAttributeSaveMode() != null) {
            b.attributeSaveMode(p.getAttributeSaveMode());
        }
        if (p.getIdRenewalInterval() != null) {
            b.idRenewalInterval(p.getIdRenewalInterval());
        }
        if (p.getIdRenewalOverlap() != null) {
            b.idRenewalOverlap(p.getIdRenewalOverlap());
        }
        // A Spring application's listeners are beans; reading web.xml for them would find nothing.
        b.containerListeners(false);
        for (Map.Entry<String, LanyardProperties.Route> route : p.getRoutes().entrySet()) {
            b.route(route(route.getKey(), route.getValue()));
        }
        return b;
    }

    static CsrfMode csrf(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> CsrfMode.OFF;
            case "origin" -> CsrfMode.ORIGIN;
            case "token" -> CsrfMode.TOKEN;
            default -> throw new IllegalArgumentException("lanyard.csrf (" + text + ") must be off, origin or token");
        };
    }

    static RoutePolicy route(String pattern, LanyardProperties.Route r) {
        String name = "lanyard.routes[" + pattern + "]";
        RoutePolicy.Builder route = RoutePolicy.forPattern(pattern);
        if (r.getIdleTimeout() != null) {
            route.idleTimeout(r.getIdleTimeout());
        }
        StepUpAnswer answer = StepUpAnswer.unauthorized();
        if (r.getOnStepUp() != null) {
            String value = r.getOnStepUp().trim();
            if (value.startsWith("redirect:")) {
                answer = StepUpAnswer.redirectTo(value.substring("redirect:".length()));
            } else if (!value.equals("401")) {
                throw new IllegalArgumentException(
                        name + ".on-step-up (" + value + ") must be 401 or redirect:<location>");
            }
            if (r.getStepUp() == null) {
                throw new IllegalArgumentException(name + ".on-step-up needs step-up");
            }
        }
        if (r.getStepUp() != null) {
            route.stepUp(r.getStepUp(), answer);
        }
        if (r.getFailureMode() != null) {
            route.failureMode(r.getFailureMode());
        }
        if (r.getCsrf() != null) {
            if (!r.getCsrf().trim().equalsIgnoreCase("exempt")) {
                throw new IllegalArgumentException(name + ".csrf (" + r.getCsrf() + ") can only be exempt");
            }
            route.csrfExempt();
        }
        if (r.getRead() != null) {
            switch (r.getRead().trim().toLowerCase(Locale.ROOT)) {
                case "store" -> route.read(ReadMode.STORE);
                case "cache" -> route.read(ReadMode.CACHE);
                default ->
                    throw new IllegalArgumentException(name + ".read (" + r.getRead() + ") must be store or cache");
            }
        }
        return route.build();
    }
}
