package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.RedisProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same {@code SENTINEL FAILOVER} as {@link RedisSentinelFailoverIT}, with
 * {@code replicaAcknowledgement(1, ...)}: every write the application was told about survives it.
 * Writes that reach the old master after the replica was promoted fail typed instead of being
 * acknowledged and lost.
 */
class RedisSentinelAcknowledgedFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSentinelAcknowledgedFailoverIT.class);

  private static LocalSentinelSet sentinels;

  @BeforeAll
  static void start() {
    sentinels = LocalSentinelSet.start();
  }

  @AfterAll
  static void stop() {
    if (sentinels != null) {
      sentinels.close();
    }
  }

  @Test
  void noAcknowledgedWriteIsLost() throws Exception {
    RedisProcess replica = sentinels.replica();
    List<NewSession> acknowledged = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger refused = new AtomicInteger();
    ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
    try (RedisSessionStore store = RedisSessionStore.builder().location(sentinels.uri())
        .commandTimeout(Duration.ofSeconds(1)).replicaAcknowledgement(1, Duration.ofMillis(200)).build()) {
      SessionManager manager = SessionManager.builder(store).withoutLogging().build();
      stream.scheduleAtFixedRate(() -> {
        try {
          NewSession s = manager.create(ClientInfo.UNKNOWN);
          if (manager.save(s.session(), SessionUpdate.builder().put("n", acknowledged.size()).build()).isEmpty()) {
            failures.add(new AssertionError("an acknowledged create was gone when it was saved"));
            return;
          }
          acknowledged.add(s);
        } catch (StoreUnavailableException e) {
          refused.incrementAndGet();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }, 0, 20, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> acknowledged.size() >= 50);
      long failoverAt = System.nanoTime();
      sentinels.failover();
      await().atMost(Duration.ofSeconds(30)).until(() -> sentinels.currentMasterPort() == replica.port());
      // Writes succeed again once the old master has rejoined as the new master's replica.
      int atSwitch = acknowledged.size();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> acknowledged.size() >= atSwitch + 50);
      long recoveredAt = System.nanoTime();
      stream.shutdown();
      assertThat(stream.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      assertThat(failures).isEmpty();
      int lost = 0;
      for (NewSession s : acknowledged) {
        if (manager.resolve(s.id()).status() != ResolutionStatus.FOUND) {
          lost++;
        }
      }
      LOG.info("Acknowledged Sentinel failover: {} writes acknowledged, {} refused (typed) in {} ms, {} lost",
          acknowledged.size(), refused.get(), TimeUnit.NANOSECONDS.toMillis(recoveredAt - failoverAt), lost);
      assertThat(lost).as("acknowledged sessions missing after the failover").isZero();
    } finally {
      stream.shutdownNow();
    }
  }
}
