package dev.lanyard.examples.war;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * An ordinary annotated session listener: it keeps the number of live sessions. Lanyard finds
 * {@code @WebListener} classes too.
 */
@WebListener
public class ActiveSessions implements HttpSessionListener {

    /** Creates the listener (the container, and Lanyard, call this). */
    public ActiveSessions() {}

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        SessionAudit.count(event.getSession().getServletContext(), "active+");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        SessionAudit.count(event.getSession().getServletContext(), "active-");
    }
}
