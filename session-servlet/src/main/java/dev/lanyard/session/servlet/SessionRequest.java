package dev.lanyard.session.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the request so that every session method is answered by Lanyard and never reaches the
 * container, which therefore never creates its own {@code JSESSIONID} session.
 */
final class SessionRequest extends HttpServletRequestWrapper {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRequest.class);

    private final RequestSession state;
    private final SessionResponse response;
    private CommittingAsyncContext async;

    SessionRequest(HttpServletRequest request, RequestSession state, SessionResponse response) {
        super(request);
        this.state = state;
        this.response = response;
    }

    @Override
    public HttpSession getSession(boolean create) {
        return state.session(create);
    }

    @Override
    public HttpSession getSession() {
        return state.session(true);
    }

    @Override
    public String changeSessionId() {
        return state.changeSessionId();
    }

    /** Returns the handle of the presented session ID (never the ID itself), or {@code null}. */
    @Override
    public String getRequestedSessionId() {
        return state.requestedSessionId();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return state.requestedSessionIdValid();
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return state.requestedFromCookie();
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    @Override
    public String getRemoteUser() {
        Optional<String> user = state.api().userId();
        return user.isPresent() ? user.get() : super.getRemoteUser();
    }

    @Override
    public Principal getUserPrincipal() {
        Optional<String> user = state.api().userId();
        if (user.isPresent()) {
            String name = user.get();
            return new UserPrincipal(name);
        }
        return super.getUserPrincipal();
    }

    @Override
    public boolean isUserInRole(String role) {
        if (state.api().userId().isPresent()) {
            return state.api().roles().contains(role);
        }
        return super.isUserInRole(role);
    }

    /**
     * Logs out of the Lanyard session (the record is removed from the store), then of the container.
     */
    @Override
    public void logout() throws ServletException {
        state.logout();
        super.logout();
    }

    @Override
    public AsyncContext startAsync() {
        return listen(super.startAsync(this, response));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
        return listen(super.startAsync(request, servletResponse));
    }

    private synchronized AsyncContext listen(AsyncContext context) {
        if (async == null || async.delegate != context) {
            context.addListener(new Completion());
            async = new CommittingAsyncContext(context);
        }
        return async;
    }

    @Override
    public synchronized AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        return async != null && async.delegate == context ? async : context;
    }

    /**
     * Runs the commit hook before {@code complete()}: some containers (Jetty) commit the response
     * before {@code AsyncListener.onComplete}, too late to send a new session ID.
     */
    private final class CommittingAsyncContext implements AsyncContext {
        final AsyncContext delegate;

        CommittingAsyncContext(AsyncContext delegate) {
            this.delegate = delegate;
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return delegate.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            delegate.dispatch();
        }

        @Override
        public void dispatch(String path) {
            delegate.dispatch(path);
        }

        @Override
        public void dispatch(jakarta.servlet.ServletContext context, String path) {
            delegate.dispatch(context, path);
        }

        @Override
        public void complete() {
            state.beforeCommit();
            delegate.complete();
        }

        @Override
        public void start(Runnable run) {
            delegate.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            delegate.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse servletResponse) {
            delegate.addListener(listener, request, servletResponse);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return delegate.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return delegate.getTimeout();
        }
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        RequestDispatcher dispatcher = super.getRequestDispatcher(path);
        return dispatcher == null ? null : new CommittingDispatcher(dispatcher);
    }

    /** An include may flush what it writes: the session is written first. */
    private final class CommittingDispatcher implements RequestDispatcher {
        private final RequestDispatcher delegate;

        CommittingDispatcher(RequestDispatcher delegate) {
            this.delegate = delegate;
        }

        @Override
        public void forward(ServletRequest request, ServletResponse servletResponse)
                throws ServletException, IOException {
            delegate.forward(request, servletResponse);
        }

        @Override
        public void include(ServletRequest request, ServletResponse servletResponse)
                throws ServletException, IOException {
            state.beforeCommit();
            delegate.include(request, servletResponse);
        }
    }

    /** Writes the session when asynchronous work ends. */
    private final class Completion implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            finishQuietly();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // The container completes or error-dispatches next; onComplete follows.
        }

        @Override
        public void onError(AsyncEvent event) {
            finishQuietly();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }

        private void finishQuietly() {
            try {
                state.finish();
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not save the session of an asynchronous request: {}",
                        e.getClass().getName(),
                        e);
            }
        }
    }

    /** The authenticated Lanyard user. */
    private record UserPrincipal(String name) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }
}
