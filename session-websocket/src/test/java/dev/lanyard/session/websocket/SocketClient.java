package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that records what it receives and how it closed. */
final class SocketClient implements WebSocket.Listener {
    record Closed(int code, String reason) {}

    final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile long closedAt;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static SocketClient connect(URI uri, String sessionId) {
        return connect(uri, sessionId, null);
    }

    static SocketClient connect(URI uri, String sessionId, String origin) {
        SocketClient client = new SocketClient();
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (sessionId != null) {
            builder.header("Cookie", SocketSessions.DEFAULT_COOKIE_NAME + "=" + sessionId);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            client.socket = builder.buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return client;
    }

    /** Closes the socket from the client's side, normally, and waits for the close frame to be sent. */
    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    String nextText() throws InterruptedException {
        String text = texts.poll(10, TimeUnit.SECONDS);
        assertThat(text).as("a message within 10 s").isNotNull();
        return text;
    }

    /** @return when the close frame arrived, by {@link System#nanoTime()} */
    long closedAt() {
        return closedAt;
    }

    boolean isOpen() {
        return !closed.isDone() && !socket.isInputClosed();
    }

    Closed awaitClose(Duration bound) throws Exception {
        return closed.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            texts.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedAt = System.nanoTime();
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }
}
