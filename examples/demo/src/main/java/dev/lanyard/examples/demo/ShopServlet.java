package dev.lanyard.examples.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /}: the shop, and {@code POST /cart}: add an item. The cart is plain
 * {@code HttpSession} code, exactly as it would be written for a single-node container: Lanyard
 * makes it shared, revocable and safe without a change here.
 */
final class ShopServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String CART = "cart";
    private static final Map<String, String> ITEMS = items();
    private final String nodeId;

    private static Map<String, String> items() {
        Map<String, String> items = new LinkedHashMap<>();
        items.put("lanyard", "Lanyard, navy blue");
        items.put("badge", "Badge holder");
        items.put("clip", "Badge clip");
        return Collections.unmodifiableMap(items);
    }

    ShopServlet(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"".equals(request.getServletPath())) {
            response.sendRedirect("/");
            return;
        }
        Map<String, Integer> cart = cart(request.getSession(false));
        StringBuilder body = new StringBuilder("<p class=\"note\">Served by node <b>")
                .append(Html.escape(nodeId))
                .append("</b>. Your cart lives in <code>HttpSession</code>; log in and it stays.</p><table>");
        for (Map.Entry<String, String> item : ITEMS.entrySet()) {
            body.append("<tr><td>")
                    .append(Html.escape(item.getValue()))
                    .append("</td><td>")
                    .append(Html.form(
                            request,
                            "/cart",
                            "<input type=\"hidden\" name=\"item\" value=\"" + Html.escape(item.getKey()) + "\">"
                                    + "<button id=\"add-" + Html.escape(item.getKey()) + "\">Add to cart</button>"))
                    .append("</td></tr>");
        }
        body.append("</table><h2>Cart</h2>");
        if (cart.isEmpty()) {
            body.append("<p id=\"cart\">Your cart is empty.</p>");
        } else {
            body.append("<ul id=\"cart\">");
            cart.forEach((item, count) -> body.append("<li>")
                    .append(Html.escape(ITEMS.get(item)))
                    .append(" × ")
                    .append(count)
                    .append("</li>"));
            body.append("</ul>");
        }
        Html.page(request, response, "Lanyard shop", body.toString());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String item = request.getParameter("item");
        if (!"/cart".equals(request.getServletPath()) || item == null || !ITEMS.containsKey(item)) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "unknown item");
            return;
        }
        HttpSession session = request.getSession(); // creates an (anonymous) session if needed
        TreeMap<String, Integer> cart = new TreeMap<>(cart(session));
        cart.merge(item, 1, Integer::sum);
        session.setAttribute(CART, cart); // one small attribute, written as a delta
        response.sendRedirect("/");
    }

    /** Reads the cart; anything unexpected in the attribute counts as an empty cart. */
    private static Map<String, Integer> cart(HttpSession session) {
        Map<String, Integer> cart = new TreeMap<>();
        Object value = session == null ? null : session.getAttribute(CART);
        if (value instanceof Map<?, ?> stored) {
            stored.forEach((item, count) -> {
                if (item instanceof String name && ITEMS.containsKey(name) && count instanceof Integer n) {
                    cart.put(name, n);
                }
            });
        }
        return cart;
    }
}
