package dev.lanyard.session.servlet.app;

import dev.lanyard.session.tck.gadgets.FlagGadget;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The servlets of an ordinary application that keeps its own class in HttpSession. */
public final class ShopServlets {

    private ShopServlets() {}

    /** @return the servlets by path */
    public static Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> s = new LinkedHashMap<>();
        s.put("/shop", new Shop());
        s.put("/shop-gadget", new StashGadget());
        s.put("/shop-peek", new Peek());
        return s;
    }

    /** {@code /shop?add=x} adds to the cart; answers {@code cart=[...]}. Public, so a container can create it by name. */
    public static final class Shop extends HttpServlet {
        private static final long serialVersionUID = 1L;

        /** Created by the container, or by {@link #servlets()}. */
        public Shop() {}

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession();
            ShopCart cart = (ShopCart) session.getAttribute("cart");
            if (cart == null) {
                cart = new ShopCart();
            }
            String item = req.getParameter("add");
            if (item != null) {
                cart.add(item);
                session.setAttribute("cart", cart);
            }
            resp.setContentType("text/plain");
            resp.getWriter().print("cart=" + cart + " user=" + req.getRemoteUser());
        }
    }

    /** Tries to keep a class the codec does not allow; answers with what setAttribute said. */
    static final class StashGadget extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String answer;
            try {
                req.getSession().setAttribute("gadget", new FlagGadget());
                answer = "stored";
            } catch (IllegalArgumentException e) {
                answer = "refused: " + e.getMessage();
            }
            resp.setContentType("text/plain");
            resp.getWriter().print(answer);
        }
    }

    /** {@code /shop-peek?name=x} shows one attribute's value (or null), without creating a session. */
    static final class Peek extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            Object value = session == null ? null : session.getAttribute(req.getParameter("name"));
            resp.setContentType("text/plain");
            resp.getWriter().print(req.getParameter("name") + "=" + value + " user=" + req.getRemoteUser());
        }
    }
}
