// Not compiled by Maven: benchmarks/ab/run compiles it against the jar under test (TASK=RedisResolveTask).
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.RedisSessionStore;
import java.time.Duration;
import java.util.function.IntToDoubleFunction;

/**
 * Resolves a session with three attributes n times on this class loader's Redis store (the server at
 * 127.0.0.1:{@code ab.port}); with {@code -Dab.write=true} each resolve is followed by a one-attribute
 * write, with {@code -Dab.user=true} the session is a user's. Returns wall-clock ns per operation:
 * the round trips are the point, so CPU time of the thread would miss them.
 */
public class RedisResolveTask implements IntToDoubleFunction {
  private final SessionManager m;
  private final String id;
  private final boolean write = Boolean.getBoolean("ab.write");
  public long sink;

  public RedisResolveTask() {
    RedisSessionStore store = RedisSessionStore.builder()
        .standalone("127.0.0.1", Integer.getInteger("ab.port"))
        .commandTimeout(Duration.ofSeconds(2))
        .build();
    m = SessionManager.builder(store).logEvents(false).build();
    ClientInfo client = ClientInfo.of("Firefox/128", "192.0.2.1");
    NewSession created = Boolean.getBoolean("ab.user") ? m.login(null, "ab-" + System.nanoTime(), client) : m.create(client);
    m.save(created.session(), SessionUpdate.builder().put("a", "1").put("b", "2").put("c", "3").build());
    id = created.id().value();
  }

  @Override
  public double applyAsDouble(int n) {
    long s = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Session r = m.resolve(id).session().orElseThrow();
      if (write) {
        m.save(r, SessionUpdate.builder().put("counter", i).build());
      }
      sink++;
    }
    return (System.nanoTime() - s) / (double) n;
  }
}
