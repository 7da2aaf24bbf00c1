package dev.lanyard.session.websocket;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Refuses a WebSocket handshake with {@code 403 Forbidden} before the container upgrades it, when its
 * {@code Origin} is not the server's own (or a {@linkplain SocketSessions.Builder#trustedOrigin trusted} one) or it
 * presents no live, signed-in Lanyard session; with {@code 503 Service Unavailable} while the session store cannot
 * answer. Jakarta WebSocket lets an endpoint's configurator refuse a handshake only by throwing, which containers
 * answer with {@code 500}; this filter runs first and answers with the right status, and the configurator of
 * {@link SocketSessions#endpoint} stays as a second line.
 *
 * <p>Only WebSocket upgrade requests ({@code GET} with {@code Upgrade: websocket}) are judged; every other
 * request passes through untouched. The refusal's body is a fixed phrase: it never holds the session ID, the
 * user or the origin. The filter must run <em>before</em> the container's own upgrade filter, which
 * {@link #register} arranges: call it while the context initializes, after the WebSocket container exists
 * (from a {@code ServletContextListener}, or inside Jetty's {@code JakartaWebSocketServletContainerInitializer.configure}
 * callback). A filter declared in {@code web.xml} runs before Tomcat's upgrade filter but after Jetty's.
 *
 * <p>Cost: an admitted handshake resolves its session twice (here and in the configurator, which cannot see what
 * the filter found); the second look-up is a near-cache hit where the store has one. Thread-safe.
 *
 * @since 0.1.0
 */
public final class HandshakeGuardFilter implements Filter {

    /** The name {@link #register} gives the filter. */
    public static final String FILTER_NAME = "lanyard-websocket-handshake-guard";

    private static final byte[] FORBIDDEN_BODY = "WebSocket handshake refused\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNAVAILABLE_BODY =
            "WebSocket handshake refused: try again later\n".getBytes(StandardCharsets.US_ASCII);

    private final SocketSessions sockets;

    /**
     * Makes a guard that judges handshakes with {@code sockets} (its origins, cookie and header names).
     *
     * @param sockets the node's sockets, whose endpoints this filter guards
     */
    public HandshakeGuardFilter(SocketSessions sockets) {
        this.sockets = Objects.requireNonNull(sockets, "sockets");
    }

    /**
     * Registers a guard for the given paths so that it runs ahead of the container's upgrade filter (mapped with
     * {@code isMatchAfter = false}, for {@link DispatcherType#REQUEST}, async supported). Call it once per
     * context, while the context initializes and after the container's WebSocket initializer has run: from a
     * {@code ServletContextListener}, or from Jetty's {@code JakartaWebSocketServletContainerInitializer.configure}
     * callback.
     *
     * @param context the servlet context being initialized
     * @param sockets the node's sockets
     * @param urlPatterns servlet URL patterns that cover the endpoints' paths ({@code /live/socket}; for a
     *     path template such as {@code /chat/{room}}, {@code /chat/*}); an upgrade request to another WebSocket
     *     endpoint matched by them is refused too
     * @return the registration, to add further mappings to
     * @throws IllegalStateException if a filter named {@value #FILTER_NAME} is already registered
     */
    public static FilterRegistration.Dynamic register(
            ServletContext context, SocketSessions sockets, String... urlPatterns) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(urlPatterns, "urlPatterns");
        if (urlPatterns.length == 0) {
            throw new IllegalArgumentException("urlPatterns must name at least one path");
        }
        FilterRegistration.Dynamic registration = context.addFilter(FILTER_NAME, new HandshakeGuardFilter(sockets));
        if (registration == null) {
            throw new IllegalStateException("a filter named " + FILTER_NAME + " is already registered");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, urlPatterns);
        return registration;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)
                || !(response instanceof HttpServletResponse httpResponse)
                || !isWebSocketUpgrade(http.getMethod(), http.getHeaders("Upgrade"))) {
            chain.doFilter(request, response);
            return;
        }
        HandshakeOutcome outcome = sockets.judge(headers(http));
        if (outcome.isAdmitted()) {
            chain.doFilter(request, response);
            return;
        }
        refuse(httpResponse, outcome.status());
    }

    /** Whether a request asks for a WebSocket upgrade: {@code GET} with {@code websocket} among its upgrade tokens. */
    static boolean isWebSocketUpgrade(String method, Enumeration<String> upgrade) {
        if (!"GET".equals(method) || upgrade == null) {
            return false;
        }
        while (upgrade.hasMoreElements()) {
            for (String token : upgrade.nextElement().split(",")) {
                if (token.strip().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            List<String> values = Collections.list(request.getHeaders(name));
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(values);
        }
        return headers;
    }

    private static void refuse(HttpServletResponse response, int status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.reset();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=US-ASCII");
        byte[] body = status == HandshakeOutcome.UNAVAILABLE ? UNAVAILABLE_BODY : FORBIDDEN_BODY;
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
