package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionSummary;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.MDC;

/** The application the integration suite deploys: servlets keyed by URL pattern. */
final class TestApp {

    /** The servlet-context attribute holding the {@link Recorder}. */
    static final String RECORDER = "test.recorder";
    /** The status every test container maps to {@link #ERROR_PAGE}. */
    static final int ERROR_STATUS = 418;

    static final String ERROR_PAGE = "/error-page";

    private TestApp() {}

    static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> s = new LinkedHashMap<>();
        s.put("/counter", new CounterServlet());
        s.put("/cart", new CartServlet());
        s.put("/info", new InfoServlet());
        s.put("/attr", new AttrServlet());
        s.put("/attrs", new AttrsServlet());
        s.put("/login", new LoginServlet());
        s.put("/logout", new LogoutServlet());
        s.put("/reauth", new ReauthServlet());
        s.put("/promote", new PromoteServlet());
        s.put("/invalidate", new InvalidateServlet());
        s.put("/change-id", new ChangeIdServlet());
        s.put("/late", new LateServlet());
        s.put("/redirect", new RedirectServlet());
        s.put("/redirect-61", new Redirect61Servlet());
        s.put("/big", new BigServlet());
        s.put("/async", new AsyncServlet());
        s.put("/csrf-token", new CsrfTokenServlet());
        s.put("/form", new InfoServlet());
        s.put("/bind", new BindServlet());
        s.put("/short-lived", new ShortLivedServlet());
        s.put("/devices", new DevicesServlet());
        s.put("/revoke", new RevokeServlet());
        s.put("/revoke-others", new RevokeOthersServlet());
        s.put("/mdc", new MdcServlet());
        s.put("/boom", new BoomServlet());
        s.put("/include", new IncludeServlet());
        s.put("/context-include", new ContextIncludeServlet());
        s.put("/flushing-fragment", new FlushingFragmentServlet());
        s.put("/raw-flush", new RawFlushServlet());
        s.put("/gated-attr", new GatedAttrServlet());
        s.put("/teapot", new TeapotServlet());
        s.put(ERROR_PAGE, new ErrorPageServlet());
        s.put("/admin/*", new InfoServlet());
        s.put("/secure/*", new InfoServlet());
        s.put("/secure-page/*", new InfoServlet());
        s.put("/open/*", new CounterServlet());
        s.put("/closed/*", new CounterServlet());
        s.put("/store-only/*", new InfoServlet());
        return s;
    }

    static void text(HttpServletResponse response, String body) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(body);
    }

    /** A stock counter that knows nothing of Lanyard. */
    static final class CounterServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            Integer count = (Integer) session.getAttribute("count");
            count = count == null ? 1 : count + 1;
            session.setAttribute("count", count);
            text(resp, "count=" + count);
        }
    }

    /** A stock cart that changes its list in place, as single-node code often does. */
    static final class CartServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("unchecked")
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            List<String> cart = (List<String>) session.getAttribute("cart");
            if (cart == null) {
                cart = new ArrayList<>();
                session.setAttribute("cart", cart);
            }
            String add = req.getParameter("add");
            if (add != null) {
                cart.add(add);
            }
            text(resp, "cart=" + cart);
        }
    }

    /** Describes the request's session state. */
    static final class InfoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            StringBuilder b = new StringBuilder();
            b.append("session=")
                    .append(session == null ? "none" : session.getId())
                    .append('\n');
            b.append("user=")
                    .append(req.getRemoteUser() == null ? "none" : req.getRemoteUser())
                    .append('\n');
            b.append("admin=").append(req.isUserInRole("admin")).append('\n');
            b.append("requested=").append(req.getRequestedSessionId()).append('\n');
            b.append("requestedValid=").append(req.isRequestedSessionIdValid()).append('\n');
            b.append("new=").append(session != null && session.isNew()).append('\n');
            b.append("encoded=")
                    .append(resp.encodeURL("/x"))
                    .append('|')
                    .append(resp.encodeRedirectURL("/y"))
                    .append('\n');
            if (session != null) {
                b.append("maxInactive=")
                        .append(session.getMaxInactiveInterval())
                        .append('\n');
                b.append("created=").append(session.getCreationTime()).append('\n');
                b.append("context=").append(session.getServletContext() != null).append('\n');
            }
            text(resp, b.toString());
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            doGet(req, resp);
        }
    }

    /** Sets one attribute: {@code ?name=&value=}. */
    static final class AttrServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            String value = req.getParameter("value");
            if (value == null) {
                session.removeAttribute(req.getParameter("name"));
            } else {
                session.setAttribute(req.getParameter("name"), value);
            }
            text(resp, "ok");
        }
    }

    /** Lists the attributes, sorted. */
    static final class AttrsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            Map<String, Object> all = new TreeMap<>();
            if (session != null) {
                for (String name : Collections.list(session.getAttributeNames())) {
                    all.put(name, session.getAttribute(name));
                }
            }
            text(resp, all.toString());
        }
    }

    /** Logs in: {@code ?user=&roles=a,b}. A test app, so GET is fine. */
    static final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String roles = req.getParameter("roles");
            LanyardSessions.of(req)
                    .login(req.getParameter("user"), roles == null ? Set.of() : Set.of(roles.split(",")));
            text(resp, "logged in as " + req.getRemoteUser());
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            doGet(req, resp);
        }
    }

    static final class LogoutServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            text(resp, "logout=" + LanyardSessions.of(req).logout());
        }
    }

    static final class ReauthServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            LanyardSessions.of(req).reauthenticated();
            text(resp, "reauthenticated");
        }
    }

    /** Records a role change: {@code ?roles=a,b}. */
    static final class PromoteServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            LanyardSessions sessions = LanyardSessions.of(req);
            long before = sessions.version();
            sessions.privilegeChanged(Set.of(req.getParameter("roles").split(",")));
            text(
                    resp,
                    "roles=" + new java.util.TreeSet<>(sessions.roles()) + " versionGrew="
                            + (sessions.version() > before));
        }
    }

    static final class InvalidateServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            String after;
            try {
                session.getAttribute("x");
                after = "readable";
            } catch (IllegalStateException | NullPointerException e) {
                after = "ISE";
            }
            text(resp, "invalidated; after=" + after + "; getSession(false)=" + req.getSession(false));
        }
    }

    static final class ChangeIdServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            String before = session.getId();
            String after = req.changeSessionId();
            text(resp, "before=" + before + "\nafter=" + after + "\nsessionId=" + session.getId());
        }
    }

    /** Writes and flushes, then asks for a new session: too late. */
    static final class LateServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = resp.getWriter();
            out.write("started\n");
            resp.flushBuffer();
            try {
                req.getSession(true);
                out.write("created");
            } catch (IllegalStateException e) {
                out.write("refused: " + e.getMessage());
            }
        }
    }

    static final class RedirectServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession().setAttribute("redirected", "yes");
            resp.sendRedirect("/attrs");
        }
    }

    /** The Servlet 6.1 {@code sendRedirect(String, int, boolean)}, or empty on a 6.0 container. */
    static java.util.Optional<java.lang.invoke.MethodHandle> sendRedirect61() {
        try {
            return java.util.Optional.of(java.lang.invoke.MethodHandles.publicLookup()
                    .findVirtual(
                            HttpServletResponse.class,
                            "sendRedirect",
                            java.lang.invoke.MethodType.methodType(
                                    void.class, String.class, int.class, boolean.class)));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return java.util.Optional.empty();
        }
    }

    /** Redirects with 303 through the Servlet 6.1 overload when the container has it. */
    static final class Redirect61Servlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession().setAttribute("redirected61", "yes");
            java.util.Optional<java.lang.invoke.MethodHandle> overload = sendRedirect61();
            if (overload.isEmpty()) {
                resp.sendRedirect("/attrs");
                return;
            }
            try {
                overload.get().invoke(resp, "/attrs", 303, true);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Throwable e) {
                throw new IOException(e);
            }
        }
    }

    /** Creates a session, then writes far more than the buffer holds. */
    static final class BigServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession().setAttribute("big", "yes");
            resp.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = resp.getWriter();
            String line = "0123456789".repeat(10) + "\n";
            for (int i = 0; i < 2000; i++) {
                out.write(line);
            }
            req.getSession().setAttribute("afterCommit", "yes");
        }
    }

    /** Creates a session and sets an attribute from an async thread. */
    static final class AsyncServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    HttpServletRequest r = (HttpServletRequest) async.getRequest();
                    r.getSession().setAttribute("async", "yes");
                    text((HttpServletResponse) async.getResponse(), "async done");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            });
        }
    }

    static final class CsrfTokenServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            text(resp, LanyardSessions.of(req).csrfToken());
        }
    }

    /** Binds a value that hears valueBound/valueUnbound. */
    static final class BindServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            if (req.getParameter("remove") != null) {
                session.removeAttribute("bound");
            } else {
                session.setAttribute("bound", new BoundValue(req.getParameter("tag")));
            }
            text(resp, "ok");
        }
    }

    /** A session that times out after one second idle, with a plain and a binding attribute: {@code ?tag=}. */
    static final class ShortLivedServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            session.setAttribute("colour", "blue");
            session.setAttribute("bound", new BoundValue(req.getParameter("tag")));
            session.setMaxInactiveInterval(1);
            text(resp, "ok");
        }
    }

    static final class DevicesServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            StringBuilder b = new StringBuilder();
            for (SessionSummary s : LanyardSessions.of(req).sessions()) {
                b.append(s.handle()).append('\n');
            }
            text(resp, b.toString());
        }
    }

    static final class RevokeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            boolean revoked = LanyardSessions.of(req).revoke(SessionHandle.of(req.getParameter("handle")));
            text(resp, "revoked=" + revoked);
        }
    }

    static final class RevokeOthersServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            LanyardSessions sessions = LanyardSessions.of(req);
            int revoked = sessions.revokeOthers();
            text(
                    resp,
                    "revoked=" + revoked + "\nversion="
                            + sessions.session().orElseThrow().version() + "\nhandle="
                            + sessions.session().orElseThrow().handle());
        }
    }

    static final class MdcServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String before = MDC.get(LanyardSessionFilter.MDC_SESSION);
            req.getSession();
            text(
                    resp,
                    "requestId=" + MDC.get(LanyardSessionFilter.MDC_REQUEST_ID) + "\nbefore=" + before + "\nsession="
                            + MDC.get(LanyardSessionFilter.MDC_SESSION));
        }
    }

    /** Writes a line, then includes the counter, which creates the session. */
    static final class IncludeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write("outer;");
            req.getRequestDispatcher("/counter").include(req, resp);
        }
    }

    /**
     * Counts in the session, then includes a fragment that flushes the response through a
     * dispatcher from the servlet context (not from the request), as template engines and portal
     * code do.
     */
    static final class ContextIncludeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            HttpSession session = req.getSession();
            Integer count = (Integer) session.getAttribute("count");
            count = count == null ? 1 : count + 1;
            session.setAttribute("count", count);
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write("count=" + count + ";");
            getServletContext().getRequestDispatcher("/flushing-fragment").include(req, resp);
        }
    }

    /** Writes a fragment and flushes: the response is committed when it returns. */
    static final class FlushingFragmentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write("fragment");
            resp.flushBuffer();
        }
    }

    /**
     * Commits the container's own response behind the filter's wrapper: the filter cannot send a
     * header any more when the request ends.
     */
    static final class RawFlushServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession(false);
            jakarta.servlet.ServletResponse raw = resp;
            while (raw instanceof jakarta.servlet.ServletResponseWrapper wrapper) {
                raw = wrapper.getResponse();
            }
            raw.setContentType("text/plain;charset=UTF-8");
            raw.getWriter().write("raw");
            raw.flushBuffer();
        }
    }

    /** The context attribute holding the {@link Gate} of {@link GatedAttrServlet}. */
    static final String GATE = "test.gate";

    /** Lets a test hold a request in the middle of the application. */
    static final class Gate {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    }

    /** Sets an attribute, then waits at the context's {@link Gate} until the test releases it. */
    static final class GatedAttrServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getSession().setAttribute(req.getParameter("name"), req.getParameter("value"));
            Gate gate = (Gate) req.getServletContext().getAttribute(GATE);
            gate.entered.countDown();
            try {
                if (!gate.release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            text(resp, "ok");
        }
    }

    /** Answers with an error status that the container sends to the error page. */
    static final class TeapotServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.sendError(ERROR_STATUS);
        }
    }

    /** An error page that uses the session, as JSP error pages do. */
    static final class ErrorPageServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            session.setAttribute("errorPage", "yes");
            resp.setContentType("text/plain;charset=UTF-8");
            resp.getWriter().write("error page; session=" + session.getId());
        }
    }

    /** Fails after touching the session. */
    static final class BoomServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException {
            req.getSession().setAttribute("beforeBoom", "yes");
            throw new ServletException("application failure");
        }
    }

    /** A value that records binding events through the servlet context's recorder. */
    static final class BoundValue implements HttpSessionBindingListener, Serializable {
        private static final long serialVersionUID = 1L;
        private final String tag;

        BoundValue(String tag) {
            this.tag = tag;
        }

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            recorder(event.getSession()).add("valueBound " + event.getName() + " " + tag);
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            recorder(event.getSession()).add("valueUnbound " + event.getName() + " " + tag);
        }

        @Override
        public String toString() {
            return "BoundValue(" + tag + ")";
        }
    }

    static Recorder recorder(HttpSession session) {
        return (Recorder) session.getServletContext().getAttribute(RECORDER);
    }

    /** Records listener calls, as lines. */
    static final class Recorder implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        void add(String line) {
            lines.add(line);
        }

        @Override
        public void sessionCreated(HttpSessionEvent se) {
            add("sessionCreated " + se.getSession().getId());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent se) {
            HttpSession session = se.getSession();
            add("sessionDestroyed " + session.getId());
            Map<String, Object> attributes = new TreeMap<>();
            for (String name : Collections.list(session.getAttributeNames())) {
                attributes.put(name, session.getAttribute(name));
            }
            add("destroyed " + session.getId() + " with " + attributes);
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
            add("sessionIdChanged " + oldSessionId + " -> " + event.getSession().getId());
        }

        @Override
        public void attributeAdded(HttpSessionBindingEvent event) {
            add("attributeAdded " + event.getName() + "=" + event.getValue());
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent event) {
            add("attributeRemoved " + event.getName() + "=" + event.getValue());
        }

        @Override
        public void attributeReplaced(HttpSessionBindingEvent event) {
            add("attributeReplaced " + event.getName() + "=" + event.getValue());
        }
    }
}
