package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Redis in a Docker container, for machines with a Docker engine but no
 * {@code redis-server}. It drives the {@code docker} command line (run, port, rm) rather than a
 * container library, so the test support stays free of dependencies that would not travel with
 * this test-jar. The container publishes Redis on a free loopback port and is removed on close.
 */
final class DockerRedis implements RedisEndpoint {

    /** The image started; a small official one. */
    static final String IMAGE = "redis:7-alpine";

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);

    private final String container;
    private final String host;
    private final int port;

    private DockerRedis(String container, String host, int port) {
        this.container = container;
        this.host = host;
        this.port = port;
    }

    /** Starts a container and waits until Redis answers, or fails with the reason. */
    static DockerRedis start() {
        String container = docker(
                        "run",
                        "-d",
                        "--rm",
                        "-p",
                        "127.0.0.1::6379",
                        IMAGE,
                        "redis-server",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .trim();
        try {
            String[] address = published(docker("port", container, "6379/tcp"));
            String host = address[0];
            int port = Integer.parseInt(address[1]);
            if (!RedisProcess.poll(Duration.ofSeconds(30), () -> Resp.answers(host, port))) {
                throw new IllegalStateException("the Redis container did not answer within 30 s");
            }
            return new DockerRedis(container, host, port);
        } catch (RuntimeException e) {
            remove(container);
            throw e;
        }
    }

    /**
     * Reads {@code docker port}'s answer, such as {@code 127.0.0.1:49153}, into host and port.
     *
     * @param answer what {@code docker port} printed
     * @return host and port
     */
    static String[] published(String answer) {
        String first = answer.lines()
                .map(String::trim)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .orElse("");
        int colon = first.lastIndexOf(':');
        if (colon <= 0
                || colon == first.length() - 1
                || !first.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            throw new IllegalStateException("docker did not publish Redis's port: '" + first + "'");
        }
        String host = first.substring(0, colon);
        return new String[] {
            host.startsWith("[") ? host.substring(1, host.length() - 1) : host, first.substring(colon + 1)
        };
    }

    private static String docker(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("docker " + args[0] + " did not finish in " + COMMAND_TIMEOUT);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        "docker " + args[0] + " failed: " + text.strip() + ". " + TestRedis.HOW_TO);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("could not run docker: " + e.getMessage() + ". " + TestRedis.HOW_TO, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running docker", e);
        }
    }

    private static void remove(String container) {
        try {
            docker("rm", "-f", container);
        } catch (IllegalStateException e) {
            // The container was started with --rm; it goes when its engine does.
        }
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    @Override
    public void close() {
        remove(container);
    }

    @Override
    public String toString() {
        return "Redis in container " + container.substring(0, Math.min(12, container.length())) + " at " + host + ":"
                + port;
    }
}
