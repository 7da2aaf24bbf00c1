package dev.lanyard.session.tck.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 in front of one server, for the faults the kernel of
 * this machine cannot make (it has no {@code netem}): every reply held back by a delay
 * ({@link #delayReplies}), every reply stalled until released ({@link #stallReplies}), the same
 * for one connection only ({@link #delayReplies(int, Duration)}, {@link #stallReplies(int,
 * boolean)}), one connection silenced while the others work ({@link #silence}), and a blackhole of every
 * connection, open and new ({@link #blackhole()}). Replies keep their order.
 *
 * <p>What the client's kernel sees differs from a real network fault in one way: the proxy's
 * kernel acknowledges what the client sends (and accepts new connections), so
 * {@code TCP_USER_TIMEOUT} never fires on a silenced connection; only the client's own timeouts
 * and liveness checks can notice it, which is what these faults test. Where the kernel's own
 * behaviour matters, use a network namespace whose link goes down instead.
 *
 * <p>Thread-safe. Threads are daemons; {@link #close()} closes every socket.
 *
 * @since 0.1.0
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile long delayNanos;
    private volatile boolean stalled;
    private volatile boolean blackholed;
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1.
     *
     * @param host the server's host
     * @param port the server's port
     * @return the running proxy
     */
    public static FaultProxy start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultProxy proxy = new FaultProxy(server, new InetSocketAddress(host, port));
            Thread accept = new Thread(proxy::acceptLoop, "fault-proxy-accept");
            accept.setDaemon(true);
            accept.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the port clients connect to */
    public int port() {
        return server.getLocalPort();
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String uri() {
        return "redis://127.0.0.1:" + port();
    }

    /**
     * Holds every reply back this long from now on (zero: none).
     *
     * @param delay the added latency
     */
    public void delayReplies(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /**
     * Stalls every reply until called with {@code false}, which releases them in order.
     *
     * @param stall whether replies are held
     */
    public void stallReplies(boolean stall) {
        stalled = stall;
    }

    /**
     * Holds back the replies of one connection this long from now on, on top of {@link
     * #delayReplies(Duration)} (zero: none).
     *
     * @param serverSidePort the local port of the proxy's socket to the server (the {@code addr} that
     *     the server's {@code CLIENT LIST} shows)
     * @param delay the added latency
     * @return whether such a connection was found
     */
    public boolean delayReplies(int serverSidePort, Duration delay) {
        Link link = link(serverSidePort);
        if (link != null) {
            link.delayNanos = delay.toNanos();
        }
        return link != null;
    }

    /**
     * Stalls the replies of one connection until called with {@code false}, which releases them in
     * order; the other connections go on.
     *
     * @param serverSidePort the local port of the proxy's socket to the server
     * @param stall whether its replies are held
     * @return whether such a connection was found
     */
    public boolean stallReplies(int serverSidePort, boolean stall) {
        Link link = link(serverSidePort);
        if (link != null) {
            link.stalled = stall;
        }
        return link != null;
    }

    private Link link(int serverSidePort) {
        for (Link link : links) {
            if (link.upstream.isBound() && link.upstream.getLocalPort() == serverSidePort) {
                return link;
            }
        }
        return null;
    }

    /**
     * Silences the connection whose proxy-to-server socket has this local port (as the server's
     * {@code CLIENT LIST} shows it in {@code addr}): from now on, what either side sends on it is
     * dropped and nothing is closed.
     *
     * @param serverSidePort the local port of the proxy's socket to the server
     * @return whether such a connection was found
     */
    public boolean silence(int serverSidePort) {
        Link link = link(serverSidePort);
        if (link != null) {
            link.silenced = true;
        }
        return link != null;
    }

    /**
     * Blackholes every connection: those open now are silenced for good (as {@link #silence}), and
     * new ones are accepted but never reach the server, until {@link #restore()}.
     */
    public void blackhole() {
        blackholed = true;
        for (Link link : links) {
            link.silenced = true;
        }
    }

    /** Ends the blackhole for new connections; the ones it silenced stay silent, as half-open ones would. */
    public void restore() {
        blackholed = false;
    }

    /** @return how many connections the proxy has carried that are still open */
    public int openConnections() {
        return (int) links.stream().filter(l -> !l.client.isClosed()).count();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (blackholed) {
                    links.add(new Link(client, new Socket())); // held open, never answered
                    continue;
                }
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 2000);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Link link = new Link(client, upstream);
                links.add(link);
                if (blackholed) {
                    // blackhole() ran while this connection was being made, after it had looked at the links.
                    link.silenced = true;
                }
                link.start();
            } catch (IOException e) {
                if (!closed) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Link link : links) {
            link.close();
        }
    }

    private record Chunk(byte[] bytes, long due) {}

    private final class Link {
        final Socket client;
        final Socket upstream;
        final BlockingQueue<Chunk> replies = new LinkedBlockingQueue<>();
        volatile boolean silenced;
        volatile boolean stalled;
        volatile long delayNanos;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            daemon("fault-proxy-requests", this::forwardRequests);
            daemon("fault-proxy-replies-in", this::readReplies);
            daemon("fault-proxy-replies-out", this::writeReplies);
        }

        private void daemon(String name, Runnable body) {
            Thread t = new Thread(body, name);
            t.setDaemon(true);
            t.start();
        }

        private void forwardRequests() {
            byte[] buffer = new byte[16384];
            try (InputStream in = client.getInputStream()) {
                OutputStream out = upstream.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!silenced) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the link ends
            }
            if (!silenced) {
                close();
            }
        }

        private void readReplies() {
            byte[] buffer = new byte[16384];
            try (InputStream in = upstream.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!silenced) {
                        replies.add(new Chunk(
                                Arrays.copyOf(buffer, n), System.nanoTime() + FaultProxy.this.delayNanos + delayNanos));
                    }
                }
            } catch (IOException e) {
                // the link ends
            }
            if (!silenced) {
                replies.add(new Chunk(null, 0));
            }
        }

        private void writeReplies() {
            try {
                OutputStream out = client.getOutputStream();
                while (true) {
                    Chunk chunk = replies.take();
                    if (chunk.bytes() == null) {
                        break;
                    }
                    while (FaultProxy.this.stalled || stalled || System.nanoTime() - chunk.due() < 0) {
                        if (client.isClosed()) {
                            return;
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    if (!silenced) {
                        out.write(chunk.bytes());
                        out.flush();
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the link ends
            }
            close();
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
