package dev.lanyard.session.redis.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client for test infrastructure: readiness checks, administration
 * ({@code CLUSTER INFO}, {@code SENTINEL ...}) and direct reads that bypass the store. One call
 * opens one connection; replies are {@code String} (simple and bulk strings, UTF-8), {@code Long},
 * {@code List<Object>}, {@code null}, or a thrown {@link Resp.ErrorReply}.
 */
public final class Resp {

    private Resp() {}

    /** A Redis error reply. */
    public static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message);
        }
    }

    /**
     * Sends one command and reads its reply.
     *
     * @param host the host
     * @param port the port
     * @param timeout connect and read timeout
     * @param args the command and its arguments
     * @return the reply
     * @throws UncheckedIOException if the server cannot be reached or does not answer in time
     * @throws ErrorReply if Redis answers with an error
     */
    public static Object call(String host, int port, Duration timeout, String... args) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Redis at " + host + ":" + port + " did not answer " + args[0], e);
        }
    }

    /**
     * Sends one command to a local server with a 2-second timeout.
     *
     * @param port the port on 127.0.0.1
     * @param args the command
     * @return the reply
     */
    public static Object call(int port, String... args) {
        return call("127.0.0.1", port, Duration.ofSeconds(2), args);
    }

    /**
     * Tells whether a server answers {@code PING} (or refuses it for want of authentication).
     *
     * @param host the host
     * @param port the port
     * @return {@code true} when a Redis server answers
     */
    public static boolean answers(String host, int port) {
        try {
            return "PONG".equals(call(host, port, Duration.ofMillis(500), "PING"));
        } catch (ErrorReply e) {
            return e.getMessage().startsWith("NOAUTH");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static byte[] encode(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = ("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8);
        out.writeBytes(header);
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bytes);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new IOException("connection closed");
        }
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    try {
                        items.add(read(in));
                    } catch (ErrorReply e) {
                        items.add(e);
                    }
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = out.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            out.write(b);
            previous = b;
        }
    }
}
