package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import dev.lanyard.session.tck.gadgets.FlagGadget;
import dev.lanyard.session.tck.gadgets.GadgetFlag;
import dev.lanyard.session.tck.gadgets.GadgetRecords;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gadget records written into Redis with a raw {@code HSET}, bypassing Lanyard entirely, as an
 * attacker with write access to Redis would: every one is refused when read, the attribute is
 * dropped alone (and removed from the hash), the user stays logged in, and no gadget code runs.
 */
class RedisGadgetRecordIT {

    private static RedisProcess redis;
    private static RedisSessionStore store;
    private static RedisClient raw;
    private static StatefulRedisConnection<byte[], byte[]> connection;
    private static final List<SessionEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static SessionManager manager;

    @BeforeAll
    static void start() {
        redis = TestRedis.localServer();
        // Not a timing test: a loaded machine may take longer than the default 250 ms to answer.
        store = RedisSessionStore.builder()
                .location(redis.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .build();
        raw = RedisClient.create(redis.uri());
        connection = raw.connect(ByteArrayCodec.INSTANCE);
        manager = SessionManager.builder(store)
                .logEvents(false)
                .listener(EVENTS::add)
                .attributeCodec(DefaultAttributeCodec.builder()
                        .allowedPackages("dev.lanyard.session.redis")
                        .build())
                .build();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
        }
        if (raw != null) {
            raw.shutdown();
        }
        if (store != null) {
            store.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static void hset(Session session, String attribute, byte[] value) {
        byte[] key = DirectRedis.sessionKey(RedisSessionStore.DEFAULT_KEY_PREFIX, session.handle())
                .getBytes(StandardCharsets.UTF_8);
        connection.sync().hset(key, RecordCodec.attributeField(attribute), value);
    }

    @Test
    void gadgetRecordsWrittenStraightIntoRedisAreDroppedAloneAndRunNothing() {
        GadgetFlag.RAN.set(0);
        NewSession login = manager.login(null, "mallory-target", ClientInfo.UNKNOWN);
        manager.save(
                login.session(), SessionUpdate.builder().put("theme", "dark").build());
        List<byte[]> records = new ArrayList<>();
        GadgetRecords.WELL_KNOWN.forEach(name -> records.add(GadgetRecords.naming(name)));
        records.add(GadgetRecords.of(new FlagGadget()));

        for (byte[] record : records) {
            hset(login.session(), "x", record);
            Session session = manager.resolve(login.id()).session().orElseThrow();
            assertThat(session.userId()).hasValue("mallory-target");
            assertThat(session.attribute("x")).isEmpty();
            assertThat(session.attribute("theme")).hasValue("dark");
            assertThat(connection
                            .sync()
                            .hexists(
                                    DirectRedis.sessionKey(
                                                    RedisSessionStore.DEFAULT_KEY_PREFIX,
                                                    login.session().handle())
                                            .getBytes(StandardCharsets.UTF_8),
                                    RecordCodec.attributeField("x")))
                    .as("the refused value is removed from the hash")
                    .isFalse();
        }
        assertThat(GadgetFlag.RAN.get()).as("no gadget code ran").isZero();
        assertThat(EVENTS)
                .filteredOn(SessionEvent.AttributeUnreadable.class::isInstance)
                .hasSize(records.size());
    }
}
