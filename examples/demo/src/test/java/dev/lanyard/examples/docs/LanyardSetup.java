package dev.lanyard.examples.docs;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.servlet.CsrfMode;
import dev.lanyard.session.servlet.LanyardSessionFilter;
import dev.lanyard.session.servlet.RoutePolicy;
import dev.lanyard.session.servlet.StepUpAnswer;
import dev.lanyard.session.spi.SessionStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** docs/getting-started.md, "In code": registers the filter from a listener. */
// [setup-start]
public class LanyardSetup implements ServletContextListener {

    private SessionStore store;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        String location = System.getenv().getOrDefault("LANYARD_STORE", "memory:"); // or redis://host:6379
        store = SessionStores.open(location);
        SessionManager manager = SessionManager.builder(store).nodeId("node-a").build();

        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .csrf(CsrfMode.TOKEN)
                .route(RoutePolicy.forPattern("/account/*")
                        .stepUp(Duration.ofMinutes(5), StepUpAnswer.redirectTo("/login"))
                        .build())
                .build();
        FilterRegistration.Dynamic registration = context.addFilter("lanyard", filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        context.setSessionTrackingModes(Set.of()); // the container's own sessions: never
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        store.close();
    }
}
// [setup-end]
