package dev.lanyard.session.websocket;

import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The WebSocket suite on embedded Jetty 12 (ee10). */
class JettyIT extends SocketBindingContract {

    @Override
    SocketContract.Running start(List<ServerEndpointConfig> endpoints, SocketSessions sockets, List<String> guarded)
            throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            // Jetty closes a silent socket after 30 s by default; the figures hold sockets open for minutes
            container.setDefaultMaxSessionIdleTimeout(Duration.ofMinutes(10).toMillis());
            for (ServerEndpointConfig endpoint : endpoints) {
                container.addEndpoint(endpoint);
            }
            // here, after Jetty's upgrade filter was added, so that the guard's mapping goes ahead of it
            if (!guarded.isEmpty()) {
                HandshakeGuardFilter.register(servletContext, sockets, guarded.toArray(String[]::new));
            }
        });
        jetty.setHandler(context);
        jetty.start();
        return new SocketContract.Running() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                jetty.stop();
            }
        };
    }
}
