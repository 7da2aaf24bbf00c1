package dev.lanyard.session.websocket;

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
import org.apache.tomcat.websocket.server.WsSci;

/** The WebSocket suite on embedded Tomcat 11. */
class TomcatIT extends SocketContract {

    @Override
    SocketContract.Running start(List<ServerEndpointConfig> endpoints) throws Exception {
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

    /** Registers the suite's endpoints once Tomcat's WebSocket container exists. */
    public static final class Registrar implements ServletContextListener {
        static final String ENDPOINTS = Registrar.class.getName() + ".endpoints";

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
        }
    }
}
