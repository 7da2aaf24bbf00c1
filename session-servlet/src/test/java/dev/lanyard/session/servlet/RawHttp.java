package dev.lanyard.session.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes that {@link java.net.http.HttpClient} refuses to send (NUL, non-ASCII, several
 * {@code Cookie} lines) over a real socket, and reads the whole answer.
 */
final class RawHttp {

    private RawHttp() {}

    /** @return status line, headers and body, decoded as ISO-8859-1 */
    static String get(URI base, String path, byte[]... headerLines) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                            + "\r\nConnection: close\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (byte[] line : headerLines) {
                request.writeBytes(line);
                request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
