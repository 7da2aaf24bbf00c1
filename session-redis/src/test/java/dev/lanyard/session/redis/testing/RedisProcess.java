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
        return start(freePort(false), extraArguments);
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
        redis.launch();
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
        boolean ready = poll(Duration.ofSeconds(10), () -> !started.isAlive() || Resp.answers("127.0.0.1", port));
        if (!ready || !process.isAlive()) {
            String log = log();
            kill();
            throw new IllegalStateException(
                    "redis-server on port " + port + " did not start; its log ends with:\n" + log);
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
     *
     * @param clusterBus whether the cluster bus port must also be free
     * @return the port
     */
    static int freePort(boolean clusterBus) {
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
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10000)) {
                return bus.getLocalPort() - 10000;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found");
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
