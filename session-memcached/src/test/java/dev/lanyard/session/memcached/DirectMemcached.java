package dev.lanyard.session.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads and damages items on the test's memcached servers directly, bypassing the store and its
 * client: the contract's view of the backend. It speaks the text protocol's meta commands
 * ({@code mg}, which reports an item's remaining TTL) on a fresh connection per call; unauthenticated
 * servers only.
 */
final class DirectMemcached {

    private final List<String> servers;

    DirectMemcached(List<String> servers) {
        this.servers = List.copyOf(servers);
    }

    /** @return whether any server holds the key */
    boolean holds(String key) {
        return servers.stream().anyMatch(s -> reply(s, "mg " + key + " k\r\n").startsWith("HD"));
    }

    /** @return the remaining TTL of the key on the server that holds it; empty when no server does or it has none */
    Optional<Duration> ttl(String key) {
        for (String server : servers) {
            String reply = reply(server, "mg " + key + " t\r\n");
            if (reply.startsWith("HD")) {
                for (String flag : reply.trim().split(" ")) {
                    if (flag.startsWith("t")) {
                        long seconds = Long.parseLong(flag.substring(1));
                        return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Overwrites the item on the server that holds it with bytes that are no record. */
    void corrupt(String key) {
        for (String server : servers) {
            if (reply(server, "mg " + key + " k\r\n").startsWith("HD")) {
                String stored = reply(server, "set " + key + " 0 600 7\r\ngarbage\r\n");
                if (!stored.startsWith("STORED")) {
                    throw new IllegalStateException("could not damage the item: " + stored);
                }
                return;
            }
        }
        throw new IllegalStateException("no server holds the item to damage");
    }

    /** Writes raw bytes under the key on the server that already holds it (as a crashed writer would have). */
    void overwrite(String key, byte[] value, int ttlSeconds) {
        for (String server : servers) {
            if (reply(server, "mg " + key + " k\r\n").startsWith("HD")) {
                byte[] head = ("set " + key + " 0 " + ttlSeconds + " " + value.length + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                byte[] command = new byte[head.length + value.length + 2];
                System.arraycopy(head, 0, command, 0, head.length);
                System.arraycopy(value, 0, command, head.length, value.length);
                command[command.length - 2] = '\r';
                command[command.length - 1] = '\n';
                String stored = replyTo(server, command, false);
                if (!stored.startsWith("STORED")) {
                    throw new IllegalStateException("could not overwrite the item: " + stored);
                }
                return;
            }
        }
        throw new IllegalStateException("no server holds the item to overwrite");
    }

    /** @return the {@code stats} value of one server */
    long stat(String server, String name) {
        for (String line : reply(server, "stats\r\n").split("\r\n")) {
            if (line.startsWith("STAT " + name + " ")) {
                return Long.parseLong(
                        line.substring(("STAT " + name + " ").length()).trim());
            }
        }
        throw new IllegalStateException("no stat " + name);
    }

    private static String reply(String server, String command) {
        return replyTo(server, command.getBytes(StandardCharsets.US_ASCII), command.startsWith("stats"));
    }

    private static String replyTo(String server, byte[] command, boolean untilEnd) {
        int colon = server.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(
                    new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))),
                    2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(command);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                reply.write(buffer, 0, n);
                String text = reply.toString(StandardCharsets.US_ASCII);
                if (text.endsWith("END\r\n") || (!untilEnd && text.endsWith("\r\n"))) {
                    break;
                }
            }
            return reply.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
