package dev.lanyard.session.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Enumeration;

/**
 * The {@link HttpSession} an application sees. A thin facade: every call goes to the request's
 * {@link RequestSession}, which holds the snapshot and the pending changes. After
 * {@link #invalidate()} (or a logout through {@link LanyardSessions}) every method but
 * {@link #getServletContext()} throws {@link IllegalStateException}, as the servlet
 * specification asks. The object is valid for the request that obtained it only.
 */
final class LanyardHttpSession implements HttpSession {

  private final RequestSession owner;

  LanyardHttpSession(RequestSession owner) {
    this.owner = owner;
  }

  /** Returns the public handle: see the class documentation of {@link LanyardSessionFilter}. */
  @Override
  public String getId() {
    return owner.id(this);
  }

  @Override
  public long getCreationTime() {
    return owner.creationTime(this);
  }

  @Override
  public long getLastAccessedTime() {
    return owner.lastAccessedTime(this);
  }

  @Override
  public ServletContext getServletContext() {
    return owner.servletContext();
  }

  @Override
  public void setMaxInactiveInterval(int interval) {
    owner.maxInactiveInterval(this, interval);
  }

  @Override
  public int getMaxInactiveInterval() {
    return owner.maxInactiveInterval(this);
  }

  @Override
  public Object getAttribute(String name) {
    return owner.attribute(this, name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    return owner.attributeNames(this);
  }

  @Override
  public void setAttribute(String name, Object value) {
    owner.setAttribute(this, name, value);
  }

  @Override
  public void removeAttribute(String name) {
    owner.removeAttribute(this, name);
  }

  @Override
  public void invalidate() {
    owner.invalidate(this);
  }

  @Override
  public boolean isNew() {
    return owner.isNew(this);
  }

  @Override
  public String toString() {
    return "LanyardHttpSession[" + owner + "]";
  }
}
