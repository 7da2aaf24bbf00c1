package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.redis.testing.RedisEndpoint;
import dev.lanyard.session.redis.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two demo instances on different ports share one (private) Redis: a user moves between them
 * freely, and what one node ends, the other no longer serves. Plain HTTP, as a load balancer
 * without affinity would send it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodesIT {

    private final DemoHttp http = new DemoHttp();
    private RedisEndpoint redis;
    private DemoServer nodeA;
    private DemoServer nodeB;

    @BeforeAll
    void start() throws Exception {
        redis = TestRedis.standalone();
        // A generous timeout: the nodes share two cores with the rest of the build.
        String location = redis.uri() + (redis.uri().contains("?") ? "&" : "?") + "timeout=2s";
        nodeA = DemoServer.start(new DemoSettings("127.0.0.1", 0, location, "node-a", false), Clock.systemUTC());
        nodeB = DemoServer.start(new DemoSettings("127.0.0.1", 0, location, "node-b", false), Clock.systemUTC());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (nodeA != null) {
                nodeA.close();
            }
            if (nodeB != null) {
                nodeB.close();
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void aSessionStartedOnOneNodeIsServedAndEndedOnTheOther() throws Exception {
        String cookie = http.logIn(nodeA, "alice", "alice");

        HttpResponse<String> meOnB = http.get(nodeB, "/api/me", cookie);
        assertThat(meOnB.statusCode()).isEqualTo(200);
        assertThat(meOnB.body()).contains("\"user\":\"alice\"");

        String token = http.csrfToken(nodeB, cookie);
        assertThat(http.post(nodeB, "/cart", cookie, "item=clip&_csrf=" + token).statusCode())
                .isEqualTo(302);
        assertThat(http.get(nodeA, "/", cookie).body()).contains("Badge clip × 1");

        assertThat(http.post(nodeB, "/logout", cookie, "_csrf=" + token).statusCode())
                .isEqualTo(302);
        assertThat(http.get(nodeA, "/api/me", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void anAccessTokenIssuedByOneNodeIsAcceptedByTheOther() throws Exception {
        String cookie = http.logIn(nodeA, "alice", "alice");
        HttpResponse<String> issued = http.post(nodeA, "/api/token", cookie, "_csrf=" + http.csrfToken(nodeA, cookie));
        assertThat(issued.statusCode()).isEqualTo(200);

        HttpResponse<String> orders = http.bearer(nodeB, "/api/orders", DemoHttp.field(issued.body(), "access_token"));

        assertThat(orders.statusCode()).isEqualTo(200);
        assertThat(orders.body()).contains("\"user\":\"alice\"");
    }

    @Test
    void theDeviceListOnOneNodeCountsALiveSocketOpenOnTheOther() throws Exception {
        String cookie = http.logIn(nodeA, "alice", "alice");
        assertThat(socketsShownOn(nodeB, cookie)).isZero();

        WebSocket live = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .header("Cookie", "__Host-session=" + cookie)
                .buildAsync(URI.create("ws://127.0.0.1:" + nodeA.port() + "/live/socket"), new WebSocket.Listener() {})
                .get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> socketsShownOn(nodeB, cookie) == 1);

        live.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> socketsShownOn(nodeB, cookie) == 0);
    }

    /** The live-socket count that a node's device list shows for the session that asks. */
    private int socketsShownOn(DemoServer node, String cookie) throws Exception {
        HttpResponse<String> page = http.get(node, "/account/sessions", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher row = Pattern.compile("<tr class=\"this\">.*?<td class=\"sockets\">(\\d+)</td>")
                .matcher(page.body());
        assertThat(row.find()).as("this device's row in %s", page.body()).isTrue();
        return Integer.parseInt(row.group(1));
    }
}
