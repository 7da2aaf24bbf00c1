package dev.lanyard.session.memcached.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code memcached} process started by a test on 127.0.0.1 and a free port. It can be killed
 * (SIGKILL, as a crash) and started again on the same port, empty, as a restarted Memcached is.
 * {@link #close()} kills and reaps it; a shutdown hook kills what a test forgot.
 */
public final class MemcachedProcess implements AutoCloseable {

    /** What to do when there is no Memcached: the loud failure the tests give instead of skipping. */
    public static final String HOW_TO =
            "No Memcached for the tests. Provide one of: (1) LANYARD_TEST_MEMCACHED=host:port"
                    + " of a running memcached 1.6 (the tests that kill servers still need the binary), or (2) the memcached"
                    + " binary on the PATH (Debian/Ubuntu: apt-get install memcached), which the tests start on free ports.";

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final int port;
    private final List<String> extraArguments;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;

    private MemcachedProcess(int port, List<String> extraArguments, Map<String, String> environment, Path log) {
        this.port = port;
        this.extraArguments = List.copyOf(extraArguments);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    /**
     * Starts a memcached on a free port.
     *
     * @param environment variables for the process (SASL's password file)
     * @param extraArguments more arguments, such as {@code -S}
     * @return the running server, answering {@code version}
     */
    public static MemcachedProcess start(Map<String, String> environment, String... extraArguments) {
        // The port is free when chosen and bound by memcached a moment later: another process may take it
        // in between, and then memcached exits saying so; another free port is tried.
        for (int attempt = 1; ; attempt++) {
            MemcachedProcess memcached;
            try {
                memcached = new MemcachedProcess(
                        freePort(),
                        List.of(extraArguments),
                        environment,
                        Files.createTempFile("lanyard-memcached-", ".log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                memcached.launch();
                return memcached;
            } catch (IllegalStateException e) {
                boolean portTaken = e.getMessage().contains("Address already in use");
                memcached.close();
                if (!portTaken || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** @return a plain memcached on a free port */
    public static MemcachedProcess start() {
        return start(Map.of());
    }

    public static Optional<Path> binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "memcached");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private synchronized void launch() {
        Path binary = binary().orElseThrow(() -> new IllegalStateException(HOW_TO));
        List<String> command = new ArrayList<>(List.of(
                binary.toString(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "64", "-t", "2"));
        if (!extraArguments.contains("evictions-on")) {
            // Evictions off, as docs/memcached.md advises: the store's start-up warning stays for the test that wants
            // it.
            command.add("-M");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root"));
        }
        extraArguments.stream().filter(a -> !a.equals("evictions-on")).forEach(command::add);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start memcached: " + e.getMessage(), e);
        }
        RUNNING.add(process);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (answers()) {
                return;
            }
            pause();
        }
        String tail = readLog();
        kill();
        throw new IllegalStateException("memcached on port " + port + " did not start; its output:\n" + tail);
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            // A binary-protocol VERSION request: every memcached answers it, a SASL one with an error at worst.
            byte[] version = new byte[24];
            version[0] = (byte) 0x80;
            version[1] = 0x0b;
            out.write(version);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[64];
            int n = in.read(reply);
            return n > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** @return {@code 127.0.0.1:<port>} */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the server as a crash would (SIGKILL) and waits until it has exited. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }

    /** Starts the server again on the same port after {@link #kill()}: empty, as Memcached restarts. */
    public synchronized void restart() {
        if (isAlive()) {
            throw new IllegalStateException("memcached is running; kill it first");
        }
        launch();
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file; the OS cleans it
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
