package dev.lanyard.examples.demo;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /live}: a page that keeps a WebSocket open to {@code /live/socket} and shows its state. Sign this
 * browser out from another one's device list and the page shows the close (1008 and Lanyard's reason).
 */
final class LiveServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (LanyardSessions.of(request).userId().isEmpty()) {
            response.sendRedirect("/login?next=/live");
            return;
        }
        String body = "<p class=\"note\">A WebSocket bound to your session. Sign this device out from another "
                + "browser's <a href=\"/account/sessions\">session list</a> and watch it close.</p>"
                + "<p>Socket: <b id=\"live-status\">connecting</b> <span id=\"live-closed\"></span></p>"
                + "<p><input id=\"live-input\" value=\"hello\"> <button id=\"live-send\" type=\"button\">Send</button></p>"
                + "<ul id=\"live-messages\"></ul>"
                + "<script>" + SCRIPT + "</script>";
        Html.page(request, response, "Live", body);
    }

    private static final String SCRIPT = """
      (function () {
        var status = document.getElementById('live-status');
        var closed = document.getElementById('live-closed');
        var list = document.getElementById('live-messages');
        var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live/socket');
        socket.onopen = function () { status.textContent = 'open'; };
        socket.onmessage = function (e) {
          var item = document.createElement('li');
          item.textContent = e.data;
          list.appendChild(item);
        };
        socket.onclose = function (e) {
          status.textContent = 'closed';
          closed.textContent = e.code + ' ' + e.reason;
        };
        document.getElementById('live-send').onclick = function () {
          socket.send(document.getElementById('live-input').value);
        };
      })();
      """;
}
