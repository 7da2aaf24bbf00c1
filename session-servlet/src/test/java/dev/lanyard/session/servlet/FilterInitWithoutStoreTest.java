package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.StoreState;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The filter's {@code init} never needs the store: a Redis location on a port where nothing
 * listens starts the filter at once, with the store CONNECTING; a location that is wrong still
 * fails {@code init} at once, naming what is wrong. (The container tests, {@link BootOrderContract},
 * show the requests and the recovery.)
 */
class FilterInitWithoutStoreTest {

    @Test
    void initSucceedsAtOnceWhenRedisIsNotListening() throws Exception {
        try (Socket closed = closedPort()) {
            String location = "redis://127.0.0.1:" + closed.getLocalPort();
            // A first init loads and starts the Redis client (classes, event loops): seconds in a cold JVM
            // on a busy machine, whether Redis is up or not. The bound below is about waiting for Redis.
            LanyardSessionFilter warmUp = new LanyardSessionFilter();
            warmUp.init(config(Map.of("store", location), context()));
            warmUp.destroy();

            LanyardSessionFilter filter = new LanyardSessionFilter();
            ServletContext context = context();
            long start = System.nanoTime();
            filter.init(config(Map.of("store", location), context));
            try {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThat(LanyardSessions.manager(context).storeHealth().state())
                        .isEqualTo(StoreState.CONNECTING);
            } finally {
                filter.destroy();
            }
            assertThat(context.getAttribute(LanyardSessions.MANAGER_ATTRIBUTE))
                    .as("removed by destroy")
                    .isNull();
        }
    }

    @Test
    void anUnknownLocationOptionStillFailsInitNamingIt() {
        LanyardSessionFilter filter = new LanyardSessionFilter();
        assertThatThrownBy(() -> filter.init(config(Map.of("store", "redis://127.0.0.1:6379?replicaAck=1"), context())))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("replicaAck")
                .hasMessageContaining("unknown option");
    }

    @Test
    void aMalformedLocationStillFailsInitWithoutRepeatingIt() {
        LanyardSessionFilter filter = new LanyardSessionFilter();
        assertThatThrownBy(() -> filter.init(config(Map.of("store", "redis://:s3cret@127.0.0.1:notaport"), context())))
                .isInstanceOf(ServletException.class)
                .hasMessageContaining("port")
                .hasMessageNotContaining("s3cret");
    }

    /** A context that keeps attributes and knows nothing else (the filter needs nothing else here). */
    private static ServletContext context() {
        Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();
        return (ServletContext) java.lang.reflect.Proxy.newProxyInstance(
                ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    case "getClassLoader" -> FilterInitWithoutStoreTest.class.getClassLoader();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test context";
                    default -> null;
                });
    }

    /**
     * A port of 127.0.0.1 held for the test by a socket that is bound but does not listen: a connection to it is
     * refused, and no other process can start listening on it meanwhile (as it could on a port found free and
     * released).
     */
    private static Socket closedPort() throws IOException {
        Socket reserved = new Socket();
        reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return reserved;
    }

    private static FilterConfig config(Map<String, String> values, ServletContext context) {
        Map<String, String> params = new LinkedHashMap<>(values);
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "lanyard";
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
