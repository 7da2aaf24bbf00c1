package dev.lanyard.session.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The whole HTTP response to a WebSocket handshake, read off a plain socket: status line, headers and body, for
 * the tests that look for secrets in what a refusal sends (the JDK's WebSocket client keeps the body).
 *
 * @param status the response's status code
 * @param text the status line, headers and body as received
 */
record RawResponse(int status, String text) {

    /** Sends a version-13 handshake for {@code uri} with the session cookie and {@code Origin} when given. */
    static RawResponse handshake(URI uri, String sessionId, String origin) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder()
                    .append("GET ")
                    .append(uri.getRawPath())
                    .append(" HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(uri.getHost())
                    .append(':')
                    .append(uri.getPort())
                    .append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: ")
                    .append(Base64.getEncoder().encodeToString(new byte[16]))
                    .append("\r\n");
            if (sessionId != null) {
                request.append("Cookie: ")
                        .append(SocketSessions.DEFAULT_COOKIE_NAME)
                        .append('=')
                        .append(sessionId)
                        .append("\r\n");
            }
            if (origin != null) {
                request.append("Origin: ").append(origin).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static RawResponse read(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String head;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed before the headers ended: " + received);
            }
            received.write(b);
            head = received.toString(StandardCharsets.ISO_8859_1);
            if (head.endsWith("\r\n\r\n")) {
                break;
            }
        }
        int status = Integer.parseInt(head.substring(9, 12));
        int length = contentLength(head);
        if (length > 0) {
            received.write(in.readNBytes(length));
        } else if (length < 0 && !head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            received.write(in.readAllBytes()); // no length: the body ends with the connection
        } else if (length < 0) {
            received.write(readChunks(in));
        }
        return new RawResponse(status, received.toString(StandardCharsets.ISO_8859_1));
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(
                        line.substring("content-length:".length()).strip());
            }
        }
        return -1;
    }

    private static byte[] readChunks(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return body.toByteArray();
                }
                size.append((char) b);
            }
            int n = Integer.parseInt(size.toString().strip().split(";")[0], 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            in.readNBytes(2); // the chunk's CRLF
        }
    }
}
