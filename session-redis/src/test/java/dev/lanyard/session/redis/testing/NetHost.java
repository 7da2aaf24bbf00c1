package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A test host: a network namespace joined to this one by a veth pair, with an address of its own
 * ({@link #address()}), made by the test (it needs root and iproute2) and removed by
 * {@link #close()}. Servers started in it with {@link #start} are reached from the test JVM over
 * the veth link, which the test can cut.
 *
 * <p>{@link #blackhole()} sets the namespace's end of the link down: every packet to or from the
 * host is dropped, nothing answers with a reset or a FIN, so the kernel of the test JVM sees what
 * it sees when a VM vanishes or a security group changes: silence, and connections that stay
 * half-open while it retransmits. {@link #restore()} sets the link up again.
 *
 * <p>The machine's kernel has no {@code netem} or classifier qdiscs, so latency and per-connection
 * faults come from {@code dev.lanyard.session.tck.net.FaultProxy} instead.
 *
 * <p>Not thread-safe: one test drives it.
 */
public final class NetHost implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Hosts not closed yet: a JVM that ends without closing them (a test killed by a timeout) removes them. */
    private static final Set<NetHost> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetHost::close), "lanyard-netns-reaper"));
    }

    private final String namespace;
    private final String hostEnd;
    private final String innerEnd;
    private final String hostAddress;
    private final String address;
    private final List<Process> processes = new ArrayList<>();

    private NetHost(String namespace, String hostEnd, String innerEnd, String hostAddress, String address) {
        this.namespace = namespace;
        this.hostEnd = hostEnd;
        this.innerEnd = innerEnd;
        this.hostAddress = hostAddress;
        this.address = address;
    }

    /**
     * Creates a namespace with a free /30 in 10.233.0.0/16 and brings the link up.
     *
     * @return the host, reachable at {@link #address()}
     * @throws IllegalStateException if this is not root or iproute2 is missing: the test cannot run
     *     here, and says why rather than skipping
     */
    public static NetHost create() {
        for (int attempt = 0; attempt < 20; attempt++) {
            int index = RANDOM.nextInt(1 << 14);
            String name = "lyn" + index;
            if (run(false, "ip", "netns", "add", name) != 0) {
                continue; // taken by a concurrent test: another index
            }
            String base = "10.233." + (index >> 6) + ".";
            int low = (index & 63) * 4;
            NetHost host = new NetHost(name, "lyh" + index, "lyi" + index, base + (low + 1), base + (low + 2));
            OPEN.add(host);
            try {
                host.wire();
                return host;
            } catch (RuntimeException e) {
                host.close();
                throw e;
            }
        }
        throw new IllegalStateException("could not create a network namespace: the fault tests need root and iproute2 "
                + "(ip netns add); run them as root on Linux");
    }

    private void wire() {
        ip("link", "add", hostEnd, "type", "veth", "peer", "name", innerEnd);
        ip("link", "set", innerEnd, "netns", namespace);
        ip("addr", "add", hostAddress + "/30", "dev", hostEnd);
        ip("link", "set", hostEnd, "up");
        ip("-n", namespace, "addr", "add", address + "/30", "dev", innerEnd);
        ip("-n", namespace, "link", "set", innerEnd, "up");
        ip("-n", namespace, "link", "set", "lo", "up");
    }

    /** @return the namespace's address, where its servers listen */
    public String address() {
        return address;
    }

    /** @return this side's address on the link, as the namespace's servers see the test JVM */
    public String hostAddress() {
        return hostAddress;
    }

    /**
     * Starts a process inside the namespace ({@code ip netns exec}, which executes it in place, so
     * the process is the server itself). {@link #close()} kills it.
     *
     * @param directory its working directory and where its output goes ({@code stdout.log})
     * @param command the command
     * @return the process
     */
    public Process start(java.nio.file.Path directory, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            directory.resolve("stdout.log").toFile()))
                    .start();
            Reaper.track(process);
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the link: every packet either way is dropped, without a reset or a FIN. */
    public void blackhole() {
        ip("-n", namespace, "link", "set", innerEnd, "down");
    }

    /** Restores the link. */
    public void restore() {
        ip("-n", namespace, "link", "set", innerEnd, "up");
    }

    /** Kills the processes started in the namespace, then removes the namespace and the link. */
    @Override
    public void close() {
        if (!OPEN.remove(this)) {
            return; // closed already
        }
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Reaper.untrack(p);
        }
        try {
            run(false, "ip", "link", "del", hostEnd); // also removes the peer
        } finally {
            run(false, "ip", "netns", "del", namespace);
        }
    }

    @Override
    public String toString() {
        return "NetHost[" + namespace + " " + address + "]";
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(true, command.toArray(new String[0]));
    }

    private static int run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).trim() + " (the fault tests need root and iproute2)");
            }
            return p.exitValue();
        } catch (IOException e) {
            if (check) {
                throw new IllegalStateException("could not run " + command[0] + " (the fault tests need iproute2)", e);
            }
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
