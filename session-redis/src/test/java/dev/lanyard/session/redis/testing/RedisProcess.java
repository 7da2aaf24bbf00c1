package dev.lanyard.session.redis.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One {@code redis-server} process started by a test, on 127.0.0.1 and a free port, in its own
 * temporary directory, with persistence off unless asked ({@code --save "" --appendonly no}).
 * It can be stopped, restarted on the same port, paused ({@code SIGSTOP}) and resumed
 * ({@code SIGCONT}). {@link #close()} kills it, waits for it (so it is reaped) and deletes its
 * directory; a JVM shutdown hook does the same for processes a test forgot.
 */
public final class RedisProcess implements RedisEndpoint {

    private final Path directory;
    private final int port;
    private final List<String> arguments;
    private Process process;

    private RedisProcess(Path directory, int port, List<String> arguments) {
        this.directory = directory;
        this.port = port;
        this.arguments = List.copyOf(arguments);
    }

    /**
     * Starts a standalone server on a free port.
     *
     * @param extraArguments more {@code redis-server} arguments, such as {@code "--requirepass", "x"}
     * @return the running server, answering {@code PING}
     * @throws IllegalStateException if {@code redis-server} is not on the PATH or does not start
     */
    public static RedisProcess start(String... extraArguments) {
        return onFreePort(() -> start(freePort(false), extraArguments));
    }

    /**
     * Thrown when a server could not listen on a port found free a moment before: another process
     * took it in between (a client's ephemeral port, another test's server). Nothing is left
     * running; {@link #onFreePort} tries again on another port.
     */
    public static final class PortTaken extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    /**
     * Starts something on ports it picks itself (with {@link #freePort}) and, when one of them was
     * taken before the server bound it ({@link PortTaken}), starts it again on fresh ones, up to five
     * times. A port is only known free while nothing listens on it, so a test that picks one and
     * binds it later can lose it to any other process on the machine.
     *
     * @param start picks its ports, starts the server and returns it
     * @param <T> what it returns
     * @return the running server
     */
    public static <T> T onFreePort(Supplier<T> start) {
        PortTaken last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return start.get();
            } catch (PortTaken taken) {
                last = taken;
            }
        }
        throw last;
    }

    /**
     * Starts a server on the given port.
     *
     * @param port the port
     * @param extraArguments more {@code redis-server} arguments
     * @return the running server
     */
    public static RedisProcess start(int port, String... extraArguments) {
        Path binary = TestRedis.redisServerBinary().orElseThrow(() -> new IllegalStateException(TestRedis.HOW_TO));
        Path directory;
        try {
            directory = Files.createTempDirectory("lanyard-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                directory.toString(),
                "--daemonize",
                "no",
                "--logfile",
                directory.resolve("redis.log").toString(),
                "--save",
                "",
                "--appendonly",
                "no"));
        args.addAll(List.of(extraArguments));
        RedisProcess redis = new RedisProcess(directory, port, args);
        try {
            redis.launch();
        } catch (RuntimeException e) {
            deleteRecursively(directory);
            throw e;
        }
        return redis;
    }

    /**
     * Starts {@code redis-server <config> --sentinel} (Sentinel mode).
     *
     * @param config a writable sentinel configuration file (Sentinel rewrites it)
     * @param port the port it names
     * @return the running sentinel
     */
    static RedisProcess startSentinel(Path config, int port) {
        Path binary = TestRedis.redisServerBinary().orElseThrow(() -> new IllegalStateException(TestRedis.HOW_TO));
        RedisProcess redis =
                new RedisProcess(config.getParent(), port, List.of(binary.toString(), config.toString(), "--sentinel"));
        redis.launch();
        return redis;
    }

    private synchronized void launch() {
        ProcessBuilder builder = new ProcessBuilder(arguments)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        directory.resolve("stdout.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
        Reaper.track(process);
        Process started = process;
        // A start takes milliseconds; the bound is for a machine loaded by other builds.
        boolean ready = poll(Duration.ofSeconds(30), () -> !started.isAlive() || Resp.answers("127.0.0.1", port));
        if (!ready || !process.isAlive()) {
            String log = log();
            kill();
            String message = "redis-server on port " + port + " did not start; its log ends with:\n" + log;
            if (log.contains("Address already in use")) {
                throw new PortTaken(message);
            }
            throw new IllegalStateException(message);
        }
    }

    /** @return the port */
    @Override
    public int port() {
        return port;
    }

    /** @return {@code 127.0.0.1} */
    @Override
    public String host() {
        return "127.0.0.1";
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    @Override
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the process id, for signals */
    public synchronized long pid() {
        return process.pid();
    }

    /** @return the server's working directory */
    public Path directory() {
        return directory;
    }

    /** @return whether the process is alive */
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the server (SIGTERM) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        resumeQuietly();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Reaper.untrack(process);
    }

    /** Starts the server again on the same port and directory, after {@link #stop()}. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the server is running; stop it first");
        }
        launch();
    }

    /** Freezes the server with SIGSTOP: it keeps its sockets but answers nothing. */
    public void pause() {
        signal("STOP");
    }

    /** Thaws the server with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void resumeQuietly() {
        if (process != null && process.isAlive()) {
            signal("CONT");
        }
    }

    private void signal(String name) {
        long pid = pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Sends a command to this server.
     *
     * @param args the command
     * @return the reply (see {@link Resp})
     */
    public Object call(String... args) {
        return Resp.call(port, args);
    }

    /** @return the last lines of the server's log */
    public String log() {
        try {
            Path log = directory.resolve("redis.log");
            Path out = directory.resolve("stdout.log");
            String text = (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "")
                    + (Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "");
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the server, reaps it and deletes its directory. */
    @Override
    public void close() {
        kill();
        deleteRecursively(directory);
    }

    /**
     * Kills the server with SIGKILL (no final fsync) and waits until it has exited; {@link #restart()}
     * starts it again on the same directory, replaying whatever its AOF holds.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        resumeQuietly();
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reaper.untrack(process);
    }

    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }

    /**
     * Finds a free port on 127.0.0.1; with {@code clusterBus}, one whose +10000 bus port is free too.
     * The ports are taken below the kernel's ephemeral range ({@code ip_local_port_range}), from which
     * every outgoing connection on the machine gets its local port: a port from that range (what
     * {@code new ServerSocket(0)} gives) can be taken by any client between this check and the
     * server's bind, or while a test has stopped the server to restart it on the same port. Below it,
     * only another listener can take it.
     *
     * @param clusterBus whether the cluster bus port must also be free
     * @return the port; free now, not necessarily when a server binds it (see {@link #onFreePort})
     */
    public static int freePort(boolean clusterBus) {
        int ephemeralLow = ephemeralRangeStart();
        int span = clusterBus ? 10000 : 0;
        // Ports from 12000 up to the range's start, the bus port (+10000) below it too.
        int low = 12000;
        int high = ephemeralLow - 1 - span;
        for (int attempt = 0; attempt < 200 && high > low; attempt++) {
            int port = low + RANDOM.nextInt(high - low + 1);
            if (bindable(port) && (!clusterBus || bindable(port + 10000))) {
                return port;
            }
        }
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!clusterBus) {
                return port;
            }
            if (port + 10000 <= 65535 && bindable(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static final java.util.Random RANDOM = new java.security.SecureRandom();

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as redis-server binds: a connection in TIME_WAIT does not stop it
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range; Linux's default (32768) where it cannot be read. */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /**
     * Waits for a condition, checking every 20 ms, up to a deadline. For infrastructure only
     * (processes starting, clusters forming); tests use Awaitility.
     *
     * @param timeout the deadline
     * @param condition the condition
     * @return whether it became true in time
     */
    static boolean poll(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException notYet) {
                // keep waiting
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public String toString() {
        return "RedisProcess[port=" + port + ", pid="
                + Optional.ofNullable(process).map(Process::pid).orElse(-1L) + "]";
    }
}
