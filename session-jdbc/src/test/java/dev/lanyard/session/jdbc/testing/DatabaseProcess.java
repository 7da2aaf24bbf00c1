package dev.lanyard.session.jdbc.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A database server a test started from the binaries on the {@code PATH}: PostgreSQL
 * ({@link #postgres()}) or MariaDB ({@link #mariadb()}), on 127.0.0.1 and a free port, with its data
 * in a temporary directory, durability off (tests need speed, not crash safety). When the JVM runs
 * as root — which both servers refuse or dislike — the server runs as the unprivileged user
 * {@code nobody} through {@code setpriv}, and its directory belongs to that user. The server can be
 * stopped and started again on the same port with its data (a database restart); {@link #close()}
 * stops it and deletes its directory, and a shutdown hook does so for servers a test forgot.
 */
public final class DatabaseProcess implements AutoCloseable {

    /** Which server. */
    public enum Kind {
        /** PostgreSQL: {@code initdb} and {@code postgres} (Debian package postgresql). */
        POSTGRESQL,
        /** MariaDB: {@code mariadb-install-db} and {@code mariadbd} (Debian package mariadb-server). */
        MARIADB
    }

    private static final String UNPRIVILEGED = "nobody";

    /** How many free ports a first start tries when another process took the port meanwhile. */
    private static final int PORT_ATTEMPTS = 5;

    private final Kind kind;
    private final Path directory;
    /** Chosen at the first start, then kept: a restart comes back on the same port. */
    private volatile int port;

    private Process process;

    private DatabaseProcess(Kind kind, Path directory) {
        this.kind = kind;
        this.directory = directory;
    }

    /**
     * Initialises and starts a private PostgreSQL.
     *
     * @return the running server, accepting connections
     * @throws IllegalStateException naming the package to install when the binaries are missing
     */
    public static DatabaseProcess postgres() {
        DatabaseProcess db = prepare(Kind.POSTGRESQL);
        Path initdb = binary("initdb", "postgresql");
        db.run(List.of(
                initdb.toString(),
                "-D",
                db.data().toString(),
                "-U",
                "lanyard",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync"));
        db.start();
        return db;
    }

    /**
     * Initialises and starts a private MariaDB with a database named {@code lanyard}.
     *
     * @return the running server, accepting connections
     * @throws IllegalStateException naming the package to install when the binaries are missing
     */
    public static DatabaseProcess mariadb() {
        DatabaseProcess db = prepare(Kind.MARIADB);
        Path install = binary("mariadb-install-db", "mariadb-server");
        db.run(List.of(
                install.toString(),
                "--no-defaults",
                "--datadir=" + db.data(),
                "--skip-test-db",
                "--auth-root-authentication-method=normal",
                "--skip-name-resolve"));
        db.start();
        try (Connection c = DriverManager.getConnection(db.adminUrl());
                var s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS lanyard");
        } catch (SQLException e) {
            db.close();
            throw new IllegalStateException("the private MariaDB did not take CREATE DATABASE", e);
        }
        return db;
    }

    /** @return which server this is */
    public Kind kind() {
        return kind;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return a JDBC URL for the test database, user included */
    public String jdbcUrl() {
        return kind == Kind.POSTGRESQL
                ? "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=lanyard"
                : "jdbc:mariadb://127.0.0.1:" + port + "/lanyard?user=root";
    }

    private String adminUrl() {
        return kind == Kind.POSTGRESQL ? jdbcUrl() : "jdbc:mariadb://127.0.0.1:" + port + "/?user=root";
    }

    /**
     * Starts the server (again) on its port with its data, and waits until it accepts connections.
     * The first start chooses the port: a free one, right before the server binds it (not before
     * {@code initdb}, which takes seconds on a loaded machine, during which any other process may
     * take it), and another one if the server still finds it taken.
     */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (port != 0) {
            launch();
            return;
        }
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                launch();
                return;
            } catch (IllegalStateException e) {
                if (attempt >= PORT_ATTEMPTS || !portWasTaken()) {
                    throw e;
                }
            }
        }
    }

    /** Whether the server's log says its port was in use: another process bound it first. */
    private boolean portWasTaken() {
        String log = log();
        return log.contains("Address already in use") || log.contains("could not create any TCP/IP sockets");
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        if (kind == Kind.POSTGRESQL) {
            command.addAll(List.of(
                    binary("postgres", "postgresql").toString(),
                    "-D",
                    data().toString(),
                    "-p",
                    Integer.toString(port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    directory.toString(),
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=300",
                    "-c",
                    "shared_buffers=64MB"));
        } else {
            command.addAll(List.of(
                    binary("mariadbd", "mariadb-server").toString(),
                    "--no-defaults",
                    "--datadir=" + data(),
                    "--port=" + port,
                    "--bind-address=127.0.0.1",
                    "--socket=" + directory.resolve("mariadb.sock"),
                    "--pid-file=" + directory.resolve("mariadb.pid"),
                    "--skip-grant-tables",
                    "--skip-name-resolve",
                    "--skip-log-bin",
                    "--max-connections=300",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--innodb-doublewrite=0",
                    "--innodb-buffer-pool-size=128M"));
        }
        ProcessBuilder builder = new ProcessBuilder(asUnprivileged(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(
                        directory.resolve("server.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /**
     * Stops the server the fast way (PostgreSQL: {@code SIGINT}, which ends every session; MariaDB:
     * {@code SIGTERM}) and waits for it to exit. Its data stays; {@link #start()} brings it back.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        signal(kind == Kind.POSTGRESQL ? "INT" : "TERM");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops and starts the server: every connection breaks, the data survives. */
    public void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
        deleteTree(directory);
    }

    private void signal(String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind + " exited at start; its log: " + log());
            }
            try (Connection c = DriverManager.getConnection(adminUrl())) {
                if (c.isValid(2)) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException(kind + " did not accept connections within 60 s; its log: " + log(), last);
    }

    private String log() {
        try {
            return Files.readString(directory.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(asUnprivileged(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            directory.resolve("init.log").toFile()))
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " failed: "
                        + Files.readString(directory.resolve("init.log"), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static DatabaseProcess prepare(Kind kind) {
        try {
            Path directory = Files.createTempDirectory("lanyard-" + kind.name().toLowerCase() + "-");
            if (isRoot()) {
                UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(directory, lookup.lookupPrincipalByName(UNPRIVILEGED));
                GroupPrincipal group = lookup.lookupPrincipalByGroupName("nogroup");
                Files.getFileAttributeView(directory, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(group);
            }
            DatabaseProcess db = new DatabaseProcess(kind, directory);
            Runtime.getRuntime().addShutdownHook(new Thread(db::close, "lanyard-test-db-reaper"));
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> asUnprivileged(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(
                binary("setpriv", "util-linux").toString(),
                "--reuid=" + UNPRIVILEGED,
                "--regid=nogroup",
                "--clear-groups"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * Finds a server binary on the {@code PATH}, then (PostgreSQL) in Debian's versioned folders.
     *
     * @param name the binary
     * @param debianPackage the package that provides it, for the failure message
     * @return its path
     * @throws IllegalStateException saying what to install
     */
    static Path binary(String name, String debianPackage) {
        return find(name)
                .orElseThrow(() -> new IllegalStateException("No " + name + " for the tests: install "
                        + "the Debian package " + debianPackage + " (apt-get install " + debianPackage
                        + "), or point the tests "
                        + "at a server with LANYARD_TEST_POSTGRES_URL / LANYARD_TEST_MARIADB_URL (a JDBC URL with user and "
                        + "password; the tests use their own table prefixes)."));
    }

    static Optional<Path> find(String name) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        candidates.add(Path.of("/usr/sbin", name));
        candidates.add(Path.of("/sbin", name));
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Comparator.reverseOrder())
                        .forEach(v -> candidates.add(v.resolve("bin").resolve(name)));
            } catch (IOException ignored) {
                // no versions
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
