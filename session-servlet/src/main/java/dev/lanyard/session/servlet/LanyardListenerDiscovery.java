package dev.lanyard.session.servlet;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.HandlesTypes;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the session listeners an application declares to its container, so that
 * {@link LanyardSessionFilter} can notify them as the container would: the classes named by
 * {@code <listener>} in {@code /WEB-INF/web.xml} and the classes annotated with
 * {@link WebListener} (unless {@code web.xml} says {@code metadata-complete="true"}), that
 * implement {@link HttpSessionListener}, {@link HttpSessionAttributeListener} or
 * {@link HttpSessionIdListener}.
 *
 * <p>The container runs this initializer at start-up, before filters and listeners start, because
 * {@code session-servlet}'s jar registers it ({@code META-INF/services}); applications never call
 * it. It creates one instance of each class with {@link ServletContext#createListener} (so
 * injection works where the container offers it) and leaves them in a context attribute, which
 * the filter reads in {@code init}. The container keeps its own instance of the same class, which
 * never hears of a session, since every session is Lanyard's: a listener that also listens to
 * the context or requests should therefore keep shared state in the {@link ServletContext} or in
 * static fields, not in instance fields. Listeners declared in a library's
 * {@code web-fragment.xml} or added with {@link ServletContext#addListener} are not seen: register
 * those with the filter ({@code listeners} init-parameter or
 * {@link LanyardSessionFilter.Builder#listener}). The instances live as long as the application;
 * no {@code @PreDestroy} is called on them. The context parameter {@link #CONTEXT_PARAMETER}
 * ({@code false}) turns the discovery off before it reads or creates anything.
 *
 * @since 0.1.0
 */
@HandlesTypes(WebListener.class)
public final class LanyardListenerDiscovery implements ServletContainerInitializer {

    /** The context attribute that holds the listeners found, a {@code List<EventListener>}. */
    static final String ATTRIBUTE = LanyardListenerDiscovery.class.getName() + ".listeners";

    /**
     * The context parameter ({@code <context-param>} in {@code web.xml}) that turns the discovery
     * off for the whole application when {@code false}: nothing is read or instantiated.
     */
    public static final String CONTEXT_PARAMETER = "dev.lanyard.session.containerListeners";

    private static final Logger LOG = LoggerFactory.getLogger(LanyardListenerDiscovery.class);

    /** Creates the initializer; containers call this through {@link java.util.ServiceLoader}. */
    public LanyardListenerDiscovery() {
        // stateless
    }

    /**
     * Finds the application's session listeners and leaves one instance of each in a context
     * attribute. A class that cannot be loaded or instantiated is logged and skipped: the
     * application starts regardless.
     *
     * @param annotated the classes annotated with {@link WebListener}, or {@code null} for none
     * @param context the application's context
     */
    @Override
    public void onStartup(Set<Class<?>> annotated, ServletContext context) throws ServletException {
        if ("false"
                .equalsIgnoreCase(String.valueOf(context.getInitParameter(CONTEXT_PARAMETER))
                        .trim())) {
            return;
        }
        WebXmlListeners declared = WebXmlListeners.NONE;
        try (InputStream webXml = context.getResourceAsStream("/WEB-INF/web.xml")) {
            if (webXml != null) {
                declared = WebXmlListeners.parse(webXml);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "could not read /WEB-INF/web.xml for session listeners ({}); register them with the filter",
                    e.getMessage());
        }
        Set<Class<?>> candidates = new LinkedHashSet<>();
        for (String name : declared.classNames()) {
            try {
                candidates.add(Class.forName(name, false, context.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.warn(
                        "the listener class {} in web.xml cannot be loaded ({}); Lanyard does not notify it",
                        name,
                        e.getClass().getSimpleName());
            }
        }
        if (annotated != null && !declared.metadataComplete()) {
            candidates.addAll(annotated);
        }
        List<EventListener> found = new ArrayList<>();
        for (Class<?> type : candidates) {
            if (!isSessionListener(type)) {
                continue;
            }
            try {
                found.add(context.createListener(type.asSubclass(EventListener.class)));
            } catch (ServletException | RuntimeException e) {
                LOG.warn(
                        "the session listener {} cannot be created ({}); Lanyard does not notify it",
                        type.getName(),
                        e.getClass().getSimpleName());
            }
        }
        if (!found.isEmpty()) {
            LOG.debug("session listeners found for the Lanyard filter: {}", found.size());
        }
        context.setAttribute(ATTRIBUTE, List.copyOf(found));
    }

    static boolean isSessionListener(Class<?> type) {
        return HttpSessionListener.class.isAssignableFrom(type)
                || HttpSessionAttributeListener.class.isAssignableFrom(type)
                || HttpSessionIdListener.class.isAssignableFrom(type);
    }
}
