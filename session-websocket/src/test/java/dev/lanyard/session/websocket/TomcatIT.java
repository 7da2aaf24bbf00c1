package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.Test;

/** The WebSocket suite on embedded Tomcat 11 and, in the {@code tomcat10} execution, Tomcat 10.1. */
class TomcatIT extends SocketBindingContract {

    @Override
    SocketContract.Running start(List<ServerEndpointConfig> endpoints, SocketSessions sockets, List<String> guarded)
            throws Exception {
        Path baseDir = Files.createTempDirectory("lanyard-ws-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", null);
        context.addServletContainerInitializer(new WsSci(), null);
        context.addApplicationListener(Registrar.class.getName());
        context.getServletContext();
        Tomcat.addServlet(context, "default", new HttpServlet() {
                    private static final long serialVersionUID = 1L;
                })
                .addMapping("/");
        context.getServletContext().setAttribute(Registrar.ENDPOINTS, endpoints);
        context.getServletContext().setAttribute(Registrar.SOCKETS, sockets);
        context.getServletContext().setAttribute(Registrar.GUARDED, guarded);
        tomcat.start();
        return new SocketContract.Running() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                tomcat.stop();
                tomcat.destroy();
                try (Stream<Path> files = Files.walk(baseDir)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        };
    }

    @Test
    void runsOnTheTomcatVersionThisExecutionNames() {
        String expected = System.getProperty("lanyard.expectedTomcat");
        assertThat(expected)
                .as("system property lanyard.expectedTomcat (set by the failsafe execution)")
                .isNotBlank();
        assertThat(ServerInfo.getServerNumber()).startsWith(expected);
    }

    /** Registers the suite's endpoints and the guard once Tomcat's WebSocket container exists. */
    public static final class Registrar implements ServletContextListener {
        static final String ENDPOINTS = Registrar.class.getName() + ".endpoints";
        static final String SOCKETS = Registrar.class.getName() + ".sockets";
        static final String GUARDED = Registrar.class.getName() + ".guarded";

        @Override
        @SuppressWarnings("unchecked")
        public void contextInitialized(ServletContextEvent event) {
            ServerContainer container =
                    (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
            try {
                for (ServerEndpointConfig endpoint :
                        (List<ServerEndpointConfig>) event.getServletContext().getAttribute(ENDPOINTS)) {
                    container.addEndpoint(endpoint);
                }
            } catch (DeploymentException e) {
                throw new IllegalStateException(e);
            }
            List<String> guarded = (List<String>) event.getServletContext().getAttribute(GUARDED);
            if (!guarded.isEmpty()) {
                HandshakeGuardFilter.register(
                        event.getServletContext(),
                        (SocketSessions) event.getServletContext().getAttribute(SOCKETS),
                        guarded.toArray(String[]::new));
            }
        }
    }
}
