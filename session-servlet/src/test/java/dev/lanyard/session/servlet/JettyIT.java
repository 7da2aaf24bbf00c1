package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The integration suite in embedded Jetty 12 (ee10, Servlet 6.0). */
class JettyIT extends SessionFilterContract {

    @Override
    protected Running start(Deployment deployment) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(64 * 1024);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        Map<String, Object> attributes = deployment.contextAttributes();
        ServletContainerInitializer initializer =
                (classes, servletContext) -> attributes.forEach(servletContext::setAttribute);
        context.addServletContainerInitializer(initializer);
        FilterHolder filter = deployment.filter() != null
                ? new FilterHolder(deployment.filter())
                : new FilterHolder(LanyardSessionFilter.class);
        filter.setInitParameters(deployment.initParameters());
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
        for (Map.Entry<String, HttpServlet> servlet : deployment.servlets().entrySet()) {
            ServletHolder holder = new ServletHolder(servlet.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, servlet.getKey());
        }
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(TestApp.ERROR_STATUS, TestApp.ERROR_PAGE);
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
        return new Running() {
            @Override
            public URI base() {
                return base;
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }

    @Test
    void jettyLogsReachTheCapturedLogsThatTheSecretCheckSearches() {
        assertThat(logged()).anyMatch(e -> e.getLoggerName().startsWith("org.eclipse.jetty"));
    }

    @Test
    void runsOnJetty12() {
        assertThat(org.eclipse.jetty.util.Jetty.VERSION).startsWith("12.");
    }
}
