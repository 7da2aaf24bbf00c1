package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.servlet.app.ShopCart;
import dev.lanyard.session.servlet.app.ShopServlets;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.http.HttpServlet;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;

/**
 * The integration suite in embedded Tomcat. Failsafe runs this class twice: once on Tomcat 11
 * (Servlet 6.1) and once on Tomcat 10.1 (Servlet 6.0); the system property
 * {@code lanyard.expectedTomcat} names the version each run must be on.
 */
class TomcatIT extends SessionFilterContract {

    @Override
    protected Running start(Deployment deployment) throws Exception {
        Path baseDir = Files.createTempDirectory("lanyard-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxHttpHeaderSize", String.valueOf(64 * 1024));

        // Production hardening the docs recommend: Tomcat's own error pages (for requests it rejects
        // before any filter runs, such as a NUL in a header) must not show stack traces.
        ErrorReportValve errorReport = new ErrorReportValve();
        errorReport.setShowReport(false);
        errorReport.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errorReport);

        Context context = tomcat.addContext("", null);
        StandardManager manager = new StandardManager();
        manager.setPathname(null);
        context.setManager(manager);
        Map<String, Object> attributes = deployment.contextAttributes();
        ServletContainerInitializer initializer =
                (classes, servletContext) -> attributes.forEach(servletContext::setAttribute);
        context.addServletContainerInitializer(initializer, null);

        FilterDef filter = new FilterDef();
        filter.setFilterName("lanyard");
        if (deployment.filter() != null) {
            filter.setFilter(deployment.filter());
        } else {
            filter.setFilterClass(LanyardSessionFilter.class.getName());
        }
        deployment.initParameters().forEach(filter::addInitParameter);
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("lanyard");
        mapping.addURLPattern("/*");
        for (String dispatcher : new String[] {"REQUEST", "FORWARD", "INCLUDE", "ASYNC", "ERROR"}) {
            mapping.setDispatcher(dispatcher);
        }
        context.addFilterMapBefore(mapping);
        int n = 0;
        for (Map.Entry<String, HttpServlet> servlet : deployment.servlets().entrySet()) {
            Wrapper wrapper = Tomcat.addServlet(context, "servlet" + n++, servlet.getValue());
            wrapper.setAsyncSupported(true);
            wrapper.addMapping(servlet.getKey());
        }
        ErrorPage errorPage = new ErrorPage();
        errorPage.setErrorCode(TestApp.ERROR_STATUS);
        errorPage.setLocation(TestApp.ERROR_PAGE);
        context.addErrorPage(errorPage);
        tomcat.start();
        URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
        return new Running() {
            @Override
            public URI base() {
                return base;
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

    /**
     * A real web application: its own {@code ShopCart} and servlet are loaded by Tomcat's web
     * application class loader from {@code WEB-INF/classes}, the filter is configured by
     * init-parameters without {@code allowedPackages}, and the cart still survives across requests.
     */
    @Test
    void aWarsOwnClassesInWebInfClassesNeedNoConfiguration() throws Exception {
        Path docBase = Files.createTempDirectory("lanyard-war");
        Path classes = docBase.resolve("WEB-INF/classes");
        for (Class<?> type : new Class<?>[] {ShopCart.class, ShopServlets.class, ShopServlets.Shop.class}) {
            Path target = classes.resolve(type.getName().replace('.', '/') + ".class");
            Files.createDirectories(target.getParent());
            try (InputStream in =
                    type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                Files.copy(in, target);
            }
        }
        Path baseDir = Files.createTempDirectory("lanyard-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", docBase.toString());
        FilterDef filter = new FilterDef();
        filter.setFilterName("lanyard");
        filter.setFilterClass(LanyardSessionFilter.class.getName());
        filter.addInitParameter("store", storeUri());
        filter.addInitParameter("cookieName", "sid");
        filter.addInitParameter("cookieSecure", "false");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("lanyard");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        Tomcat.addServlet(context, "shop", ShopServlets.Shop.class.getName());
        context.addServletMappingDecoded("/shop", "shop");
        tomcat.start();
        try {
            Browser b = new Browser(
                    client, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"), "sid", seenIds);
            assertThat(b.get("/shop?add=apple").body()).startsWith("cart=[apple]");
            assertThat(b.get("/shop?add=pear").body()).startsWith("cart=[apple, pear]");
            assertThat(b.get("/shop").body()).startsWith("cart=[apple, pear]");
        } finally {
            tomcat.stop();
            tomcat.destroy();
            for (Path root : new Path[] {docBase, baseDir}) {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void tomcatLogsReachTheCapturedLogsThatTheSecretCheckSearches() {
        assertThat(logged()).anyMatch(e -> e.getLoggerName().startsWith("org.apache"));
    }

    @Test
    void runsOnTheTomcatVersionThisExecutionNames() {
        String expected = System.getProperty("lanyard.expectedTomcat");
        assertThat(expected)
                .as("system property lanyard.expectedTomcat (set by the failsafe execution)")
                .isNotBlank();
        assertThat(ServerInfo.getServerNumber()).startsWith(expected);
    }
}
