package dev.lanyard.session.redis;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.redis.testing.Resp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the commands clients send to a standalone Redis with {@code MONITOR}, telling commands a
 * client sent (round trips) from those a script ran ({@code [0 lua]}), which
 * {@code INFO commandstats} counts alike. For figures and round-trip assertions only.
 */
final class CommandMonitor implements AutoCloseable {

    private final int port;
    private final Socket socket;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private CommandMonitor(int port) throws IOException {
        this.port = port;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        OutputStream out = socket.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(
                () -> {
                    try {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                    } catch (IOException closed) {
                        // the monitor was closed
                    }
                },
                "redis-monitor-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    static CommandMonitor start(int port) {
        try {
            return new CommandMonitor(port);
        } catch (IOException e) {
            throw new IllegalStateException("MONITOR failed", e);
        }
    }

    /** A command a client sent: its name (lower case) and when Redis ran it, in seconds. */
    record Sent(String command, double seconds) {}

    /**
     * Runs an operation and returns the commands clients sent during it (command names, lower case).
     *
     * @param operation the operation
     * @return the commands, in order
     */
    List<String> roundTrips(Runnable operation) {
        return sent(operation).stream().map(Sent::command).toList();
    }

    /**
     * Runs an operation and returns the commands clients sent during it, with the time Redis ran
     * each (MONITOR's timestamp), in order.
     *
     * @param operation the operation
     * @return the commands
     */
    List<Sent> sent(Runnable operation) {
        String begin = mark();
        operation.run();
        String end = mark();
        List<Sent> commands = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            if (line.contains(begin)) {
                inside = true;
                continue;
            }
            if (line.contains(end)) {
                break;
            }
            if (inside && !line.contains(" lua]") && line.contains("] \"")) {
                String command = line.substring(line.indexOf("] \"") + 3);
                double seconds = Double.parseDouble(line.substring(line.indexOf('+') + 1, line.indexOf(' ')));
                commands.add(new Sent(
                        command.substring(0, command.indexOf('"')).toLowerCase(java.util.Locale.ROOT), seconds));
            }
        }
        return commands;
    }

    private String mark() {
        String marker = "lanyard-mark-" + UUID.randomUUID();
        Resp.call(port, "ECHO", marker);
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> lines.stream().anyMatch(l -> l.contains(marker)));
        return marker;
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(2000);
        } catch (IOException | InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
