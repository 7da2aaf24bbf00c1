package dev.lanyard.examples.demo;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo shop: {@code java -jar lanyard-demo.jar}. Environment: {@code PORT} (8080),
 * {@code LANYARD_HOST} (127.0.0.1), {@code LANYARD_STORE} ({@code memory:} or {@code redis://host:port}),
 * {@code LANYARD_NODE_ID} ({@code node-<port>}), {@code LANYARD_DEV_COOKIE} (false).
 */
public final class DemoMain {

    private static final Logger LOG = LoggerFactory.getLogger(DemoMain.class);

    private DemoMain() {}

    /**
     * Runs the demo until the process is stopped (Ctrl-C).
     *
     * @param args ignored
     * @throws Exception if the demo cannot start
     */
    public static void main(String[] args) throws Exception {
        DemoSettings settings;
        DemoServer demo;
        try {
            settings = DemoSettings.from(System.getenv());
            demo = DemoServer.start(settings, Clock.systemUTC());
        } catch (Exception e) {
            // Lanyard's messages never repeat a store location, so a Redis password cannot leak here
            LOG.error("the demo could not start: {}", e.toString());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
        String host = settings.host().equals("0.0.0.0") ? "localhost" : settings.host();
        LOG.info(
                "Lanyard demo shop on http://{}:{}/ (node {}, store {}); log in as alice/alice or admin/admin",
                host.equals("127.0.0.1") ? "localhost" : host,
                demo.port(),
                settings.nodeId(),
                settings.store().startsWith("memory") ? "in memory" : "shared");
        demo.join();
    }
}
