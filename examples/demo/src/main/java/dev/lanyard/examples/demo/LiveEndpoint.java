package dev.lanyard.examples.demo;

import dev.lanyard.session.websocket.BoundSession;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

/**
 * The live page's socket: greets the signed-in user and echoes what the page sends, as a notification.
 * Lanyard bound it to the session in the handshake and closes it (1008) when the session ends.
 */
final class LiveEndpoint extends Endpoint {

    @Override
    public void onOpen(Session socket, EndpointConfig config) {
        BoundSession session = BoundSession.of(socket).orElseThrow();
        socket.getAsyncRemote().sendText("connected as " + session.userId());
        socket.addMessageHandler(String.class, (MessageHandler.Whole<String>)
                text -> socket.getAsyncRemote().sendText(session.userId() + ": " + text));
    }
}
