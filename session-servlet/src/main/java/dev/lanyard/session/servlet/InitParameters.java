package dev.lanyard.session.servlet;

import dev.lanyard.session.AttributeCodecs;
import dev.lanyard.session.LoginAttributePolicy;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.AttributeCodecProvider;
import dev.lanyard.session.spi.SessionStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EventListener;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the filter's init-parameters into a builder. Every parameter is documented in
 * {@code docs/configuration.md}; an unknown name is an error, so a typo cannot silently leave a
 * default in force. Values never appear in error messages for {@code store} (it may hold a password).
 */
final class InitParameters {

    static final String ROUTE_PREFIX = "route:";

    /** The keys of a {@code route:} value, as {@code docs/configuration.md} lists them. */
    static final List<String> ROUTE_KEYS = List.of("idleTimeout", "stepUp", "onStepUp", "failureMode", "csrf", "read");

    static final Set<String> KNOWN = Set.of(
            "store",
            "nodeId",
            "logEvents",
            "idleTimeout",
            "anonymousIdleTimeout",
            "absoluteTimeout",
            "touchInterval",
            "clockSkew",
            "sessionLimit",
            "sessionLimitOverflow",
            "payloadSoftLimit",
            "payloadHardLimit",
            "allowedPackages",
            "cookieName",
            "cookieSecure",
            "cookieHttpOnly",
            "cookieSameSite",
            "cookiePath",
            "cookieDomain",
            "cookieMaxAge",
            "headerName",
            "failureMode",
            "retryAfter",
            "csrf",
            "csrfTrustedOrigins",
            "csrfHeaderName",
            "csrfParameterName",
            "requestIdHeader",
            "anonymousSessionLimit",
            "anonymousSessionWindow",
            "guessingThreshold",
            "guessingWindow",
            "guessingMaxClients",
            "idRenewalInterval",
            "idRenewalOverlap",
            "listeners",
            "containerListeners",
            "attributeSaveMode",
            "attributeCodec",
            "loginAttributes");

    record Result(LanyardSessionFilter.Builder builder, SessionStore store) {}

    private InitParameters() {}

    static Result read(FilterConfig config) throws ServletException {
        Map<String, String> params = new HashMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            String value = config.getInitParameter(name);
            if (!KNOWN.contains(name) && !name.startsWith(ROUTE_PREFIX)) {
                throw new IllegalArgumentException("unknown init-parameter '" + name + "'; known: "
                        + new java.util.TreeSet<>(KNOWN) + " and route:<pattern>");
            }
            params.put(name, value == null ? "" : value.trim());
        }
        ServletContext context = config.getServletContext();
        SessionPolicy policy = policy(params);
        AttributeCodec codec = codec(params, context);
        String location = params.getOrDefault("store", "memory:");
        SessionStore store = SessionStores.open(location.isEmpty() ? "memory:" : location);
        try {
            SessionManager.Builder manager =
                    SessionManager.builder(store).policy(policy).attributeCodec(codec);
            if (params.containsKey("nodeId")) {
                manager.nodeId(params.get("nodeId"));
            }
            if (params.containsKey("logEvents")) {
                manager.logEvents(bool("logEvents", params.get("logEvents")));
            }
            LanyardSessionFilter.Builder builder = LanyardSessionFilter.builder(manager.build());
            configure(builder, params, context);
            return new Result(builder, store);
        } catch (IllegalArgumentException | ServletException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The codec the init-params name ({@code attributeCodec}, default {@code java}), allowing the
     * packages of {@code allowedPackages} and, with no configuration, the classes of the web
     * application's own {@code WEB-INF/classes} (not its {@code WEB-INF/lib}).
     */
    static AttributeCodec codec(Map<String, String> params, ServletContext context) {
        List<Path> classDirectories = new ArrayList<>();
        ClassLoader loader = null;
        if (context != null) {
            loader = context.getClassLoader();
            String classes = context.getRealPath("/WEB-INF/classes");
            if (classes != null && Files.isDirectory(Path.of(classes))) {
                classDirectories.add(Path.of(classes));
            }
        }
        String name = params.getOrDefault("attributeCodec", AttributeCodecs.JAVA);
        return AttributeCodecs.create(
                name.isEmpty() ? AttributeCodecs.JAVA : name,
                new AttributeCodecProvider.Settings(list(params.get("allowedPackages")), classDirectories, loader));
    }

    private static SessionPolicy policy(Map<String, String> p) {
        SessionPolicy.Builder b = SessionPolicy.builder();
        if (p.containsKey("loginAttributes")) {
            b.loginAttributes(loginAttributes(p.get("loginAttributes")));
        }
        if (p.containsKey("idleTimeout")) {
            b.idleTimeout(duration("idleTimeout", p.get("idleTimeout")));
        }
        if (p.containsKey("anonymousIdleTimeout")) {
            b.anonymousIdleTimeout(duration("anonymousIdleTimeout", p.get("anonymousIdleTimeout")));
        }
        if (p.containsKey("absoluteTimeout")) {
            b.absoluteTimeout(duration("absoluteTimeout", p.get("absoluteTimeout")));
        }
        if (p.containsKey("touchInterval")) {
            b.touchInterval(duration("touchInterval", p.get("touchInterval")));
        }
        if (p.containsKey("clockSkew")) {
            b.clockSkew(duration("clockSkew", p.get("clockSkew")));
        }
        if (p.containsKey("payloadSoftLimit")) {
            b.payloadSoftLimit(number("payloadSoftLimit", p.get("payloadSoftLimit")));
        }
        if (p.containsKey("payloadHardLimit")) {
            b.payloadHardLimit(number("payloadHardLimit", p.get("payloadHardLimit")));
        }
        if (p.containsKey("sessionLimit")
                && "none".equalsIgnoreCase(p.get("sessionLimit").trim())) {
            if (p.containsKey("sessionLimitOverflow")) {
                throw new IllegalArgumentException("sessionLimitOverflow needs a numeric sessionLimit");
            }
            b.sessionLimit(SessionLimit.unlimited());
        } else if (p.containsKey("sessionLimit")) {
            int max = (int) number("sessionLimit", p.get("sessionLimit"));
            String rule = p.getOrDefault("sessionLimitOverflow", "refuse").toLowerCase(Locale.ROOT);
            switch (rule) {
                case "refuse":
                    b.sessionLimit(SessionLimit.refuseBeyond(max));
                    break;
                case "evict":
                    b.sessionLimit(SessionLimit.evictBeyond(max));
                    break;
                default:
                    throw new IllegalArgumentException("sessionLimitOverflow (" + rule + ") must be refuse or evict");
            }
        } else if (p.containsKey("sessionLimitOverflow")) {
            throw new IllegalArgumentException("sessionLimitOverflow needs sessionLimit");
        }
        return b.build();
    }

    private static void configure(LanyardSessionFilter.Builder b, Map<String, String> p, ServletContext context)
            throws ServletException {
        CookieSettings.Builder cookie = CookieSettings.builder();
        if (p.containsKey("cookieName")) {
            cookie.name(p.get("cookieName"));
        }
        if (p.containsKey("cookieSecure")) {
            cookie.secure(bool("cookieSecure", p.get("cookieSecure")));
        }
        if (p.containsKey("cookieHttpOnly")) {
            cookie.httpOnly(bool("cookieHttpOnly", p.get("cookieHttpOnly")));
        }
        if (p.containsKey("cookieSameSite")) {
            cookie.sameSite(enumValue(SameSite.class, "cookieSameSite", p.get("cookieSameSite")));
        }
        if (p.containsKey("cookiePath")) {
            cookie.path(p.get("cookiePath"));
        }
        if (p.containsKey("cookieDomain") && !p.get("cookieDomain").isEmpty()) {
            cookie.domain(p.get("cookieDomain"));
        }
        if (p.containsKey("cookieMaxAge") && !p.get("cookieMaxAge").isEmpty()) {
            cookie.maxAge(duration("cookieMaxAge", p.get("cookieMaxAge")));
        }
        b.cookie(cookie.build());
        if (p.containsKey("headerName") && !p.get("headerName").isEmpty()) {
            b.headerName(p.get("headerName"));
        }
        if (p.containsKey("failureMode")) {
            b.failureMode(enumValue(FailureMode.class, "failureMode", p.get("failureMode")));
        }
        if (p.containsKey("retryAfter")) {
            b.retryAfter(duration("retryAfter", p.get("retryAfter")));
        }
        if (p.containsKey("csrf")) {
            b.csrf(enumValue(CsrfMode.class, "csrf", p.get("csrf")));
        }
        for (String origin : list(p.get("csrfTrustedOrigins"))) {
            b.csrfTrustedOrigin(origin);
        }
        if (p.containsKey("csrfHeaderName")) {
            b.csrfHeaderName(p.get("csrfHeaderName"));
        }
        if (p.containsKey("csrfParameterName")) {
            b.csrfParameterName(p.get("csrfParameterName"));
        }
        if (p.containsKey("requestIdHeader")) {
            String header = p.get("requestIdHeader");
            if (header.isEmpty() || header.equalsIgnoreCase("none")) {
                b.withoutRequestIds();
            } else {
                b.requestIdHeader(header);
            }
        }
        if (p.containsKey("anonymousSessionLimit") || p.containsKey("anonymousSessionWindow")) {
            b.anonymousSessionRate(
                    (int) number(
                            "anonymousSessionLimit",
                            p.getOrDefault(
                                    "anonymousSessionLimit",
                                    "" + LanyardSessionFilter.DEFAULT_ANONYMOUS_SESSION_LIMIT)),
                    p.containsKey("anonymousSessionWindow")
                            ? duration("anonymousSessionWindow", p.get("anonymousSessionWindow"))
                            : LanyardSessionFilter.DEFAULT_ANONYMOUS_SESSION_WINDOW);
        }
        if (p.containsKey("guessingThreshold")
                || p.containsKey("guessingWindow")
                || p.containsKey("guessingMaxClients")) {
            b.guessingDetection(
                    (int) number(
                            "guessingThreshold",
                            p.getOrDefault("guessingThreshold", "" + LanyardSessionFilter.DEFAULT_GUESSING_THRESHOLD)),
                    p.containsKey("guessingWindow")
                            ? duration("guessingWindow", p.get("guessingWindow"))
                            : LanyardSessionFilter.DEFAULT_GUESSING_WINDOW,
                    (int) number(
                            "guessingMaxClients",
                            p.getOrDefault(
                                    "guessingMaxClients", "" + LanyardSessionFilter.DEFAULT_GUESSING_MAX_CLIENTS)));
        }
        if (p.containsKey("idRenewalInterval") && !p.get("idRenewalInterval").isEmpty()) {
            b.idRenewalInterval(duration("idRenewalInterval", p.get("idRenewalInterval")));
        }
        if (p.containsKey("idRenewalOverlap")) {
            b.idRenewalOverlap(duration("idRenewalOverlap", p.get("idRenewalOverlap")));
        }
        if (p.containsKey("attributeSaveMode")) {
            b.attributeSaveMode(enumValue(AttributeSaveMode.class, "attributeSaveMode", p.get("attributeSaveMode")));
        }
        for (String className : list(p.get("listeners"))) {
            b.listener(listener(context, className));
        }
        if (p.containsKey("containerListeners")) {
            b.containerListeners(bool("containerListeners", p.get("containerListeners")));
        }
        p.keySet().stream()
                .filter(k -> k.startsWith(ROUTE_PREFIX))
                .sorted()
                .forEach(k -> b.route(route(k.substring(ROUTE_PREFIX.length()), p.get(k))));
    }

    /**
     * Parses {@code idleTimeout=PT5M; stepUp=PT10M; onStepUp=401|redirect:/login;
     * failureMode=open|closed; csrf=exempt; read=store|cache}: each key is the name of the
     * {@link RoutePolicy.Builder} method it sets (or, for {@code onStepUp}, of its argument).
     */
    static RoutePolicy route(String pattern, String spec) {
        RoutePolicy.Builder route = RoutePolicy.forPattern(pattern);
        Duration stepUp = null;
        StepUpAnswer answer = StepUpAnswer.unauthorized();
        for (String part : spec.split(";")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("route:" + pattern + ": '" + item + "' is not key=value");
            }
            String key = item.substring(0, eq).trim();
            String value = item.substring(eq + 1).trim();
            switch (key) {
                case "idleTimeout":
                    route.idleTimeout(duration("route:" + pattern + " idleTimeout", value));
                    break;
                case "stepUp":
                    stepUp = duration("route:" + pattern + " stepUp", value);
                    break;
                case "onStepUp":
                    if (value.equals("401")) {
                        answer = StepUpAnswer.unauthorized();
                    } else if (value.startsWith("redirect:")) {
                        answer = StepUpAnswer.redirectTo(value.substring("redirect:".length()));
                    } else {
                        throw new IllegalArgumentException(
                                "route:" + pattern + ": onStepUp (" + value + ") must be 401 or redirect:<location>");
                    }
                    break;
                case "failureMode":
                    route.failureMode(enumValue(FailureMode.class, "route:" + pattern + " failureMode", value));
                    break;
                case "csrf":
                    if (!value.equalsIgnoreCase("exempt")) {
                        throw new IllegalArgumentException(
                                "route:" + pattern + ": csrf (" + value + ") can only be exempt");
                    }
                    route.csrfExempt();
                    break;
                case "read":
                    route.read(enumValue(ReadMode.class, "route:" + pattern + " read", value));
                    break;
                default:
                    throw new IllegalArgumentException("route:" + pattern + ": unknown key '" + key + "'; known: "
                            + String.join(", ", ROUTE_KEYS));
            }
        }
        if (stepUp != null) {
            route.stepUp(stepUp, answer);
        } else if (answer.isRedirect()) {
            throw new IllegalArgumentException("route:" + pattern + ": onStepUp needs stepUp");
        }
        return route.build();
    }

    private static EventListener listener(ServletContext context, String className) throws ServletException {
        ClassLoader loader = context != null && context.getClassLoader() != null
                ? context.getClassLoader()
                : Thread.currentThread().getContextClassLoader();
        Class<? extends EventListener> type;
        try {
            type = Class.forName(className, true, loader).asSubclass(EventListener.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("listeners: " + className + " is not a listener class on the classpath");
        }
        if (context == null) {
            throw new IllegalArgumentException("listeners: no servlet context to create " + className);
        }
        return context.createListener(type);
    }

    /** Parses an ISO-8601 duration ({@code PT30M}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}. */
    static Duration duration(String option, String text) {
        String t = text.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, Math.max(0, t.length() - 1)));
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(option + " (" + text
                + ") must be an ISO-8601 duration such as PT30M, or a number with a unit: 500ms, 30s, 15m, 12h, 7d");
    }

    private static long number(String option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " (" + text + ") must be a whole number");
        }
    }

    private static boolean bool(String option, String text) {
        if ("true".equalsIgnoreCase(text)) {
            return true;
        }
        if ("false".equalsIgnoreCase(text)) {
            return false;
        }
        throw new IllegalArgumentException(option + " (" + text + ") must be true or false");
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String option, String text) {
        String normal = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normal)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(option + " (" + text + ") must be one of "
                + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

    /**
     * {@code application} (the default), {@code all}, {@code none}, or the names of the attributes
     * that cross a login, comma- or space-separated.
     */
    static LoginAttributePolicy loginAttributes(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "application":
                return LoginAttributePolicy.applicationAttributes();
            case "all":
                return LoginAttributePolicy.all();
            case "none":
                return LoginAttributePolicy.none();
            default:
                List<String> names = list(text);
                if (names.isEmpty()) {
                    throw new IllegalArgumentException(
                            "loginAttributes must be application, all, none, or" + " attribute names");
                }
                return LoginAttributePolicy.named(names);
        }
    }

    private static List<String> list(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(text.split("[,\\s]+"))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
