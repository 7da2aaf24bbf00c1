package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A local Sentinel set for tests: a master, one replica ({@code --repl-diskless-sync-delay 0}, so
 * it syncs in milliseconds) and one sentinel ({@code redis-server <conf> --sentinel}, quorum 1,
 * down-after 1 s, failover-timeout 5 s) monitoring the master as {@value #MASTER_NAME}.
 * {@link #start()} returns once the sentinel knows the replica, so a failover can be asked for.
 * Start it once per test class; closing kills and reaps all three.
 */
public final class LocalSentinelSet implements AutoCloseable {

  /** The monitored master's name. */
  public static final String MASTER_NAME = "mymaster";

  private final RedisProcess master;
  private final RedisProcess replica;
  private final RedisProcess sentinel;
  private final Path sentinelDirectory;

  private LocalSentinelSet(RedisProcess master, RedisProcess replica, RedisProcess sentinel, Path sentinelDirectory) {
    this.master = master;
    this.replica = replica;
    this.sentinel = sentinel;
    this.sentinelDirectory = sentinelDirectory;
  }

  /**
   * Starts the set and waits until the sentinel sees the replica in sync (usually under 12 s:
   * Sentinel discovers replicas through its periodic INFO).
   *
   * @param serverArguments more {@code redis-server} arguments for the master and the replica, such
   *     as {@code "--appendonly", "yes"}
   * @return the running set
   */
  public static LocalSentinelSet start(String... serverArguments) {
    RedisProcess master = null;
    RedisProcess replica = null;
    RedisProcess sentinel = null;
    Path dir = null;
    try {
      List<String> masterArgs = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
      masterArgs.addAll(List.of(serverArguments));
      master = TestRedis.localServer(masterArgs.toArray(new String[0]));
      List<String> replicaArgs = new ArrayList<>(masterArgs);
      replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
      replica = TestRedis.localServer(replicaArgs.toArray(new String[0]));
      int sentinelPort = RedisProcess.freePort(false);
      dir = Files.createTempDirectory("lanyard-sentinel-");
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n",
          "port " + sentinelPort,
          "bind 127.0.0.1",
          "daemonize no",
          "dir " + dir,
          "logfile " + dir.resolve("redis.log"),
          "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
          "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
          "sentinel failover-timeout " + MASTER_NAME + " 5000",
          "sentinel parallel-syncs " + MASTER_NAME + " 1",
          ""), StandardCharsets.UTF_8);
      sentinel = RedisProcess.startSentinel(conf, sentinelPort);
      RedisProcess s = sentinel;
      RedisProcess r = replica;
      boolean ready = RedisProcess.poll(Duration.ofSeconds(30), () ->
          String.valueOf(r.call("INFO", "replication")).contains("master_link_status:up")
              && replicaKnown(s));
      if (!ready) {
        throw new IllegalStateException("the sentinel did not discover the replica within 30 s; sentinel log:\n"
            + s.log());
      }
      return new LocalSentinelSet(master, replica, sentinel, dir);
    } catch (IOException e) {
      closeAll(master, replica, sentinel, dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      closeAll(master, replica, sentinel, dir);
      throw e;
    }
  }

  private static boolean replicaKnown(RedisProcess sentinel) {
    Object replicas = sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME);
    if (!(replicas instanceof List<?> list) || list.isEmpty()) {
      return false;
    }
    String first = String.valueOf(list.get(0));
    return first.contains("slave") && !first.contains("disconnected") && !first.contains("s_down");
  }

  /** @return the first master */
  public RedisProcess master() {
    return master;
  }

  /** @return the first replica */
  public RedisProcess replica() {
    return replica;
  }

  /** @return the sentinel */
  public RedisProcess sentinel() {
    return sentinel;
  }

  /** @return {@code redis-sentinel://127.0.0.1:<sentinel port>?sentinelMasterId=mymaster} */
  public String uri() {
    return "redis-sentinel://127.0.0.1:" + sentinel.port() + "?sentinelMasterId=" + MASTER_NAME;
  }

  /**
   * Asks the sentinel where the master is now.
   *
   * @return the master's port
   */
  public int currentMasterPort() {
    Object address = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt(String.valueOf(((List<?>) address).get(1)));
  }

  /** Asks the sentinel for a failover ({@code SENTINEL FAILOVER}); it runs asynchronously. */
  public void failover() {
    sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
  }

  /** Kills and reaps all three processes. */
  @Override
  public void close() {
    closeAll(master, replica, sentinel, sentinelDirectory);
  }

  private static void closeAll(RedisProcess master, RedisProcess replica, RedisProcess sentinel, Path dir) {
    for (RedisProcess p : new RedisProcess[] {sentinel, replica, master}) {
      if (p != null) {
        p.close();
      }
    }
    RedisProcess.deleteRecursively(dir);
  }
}
