// Not compiled by Maven: benchmarks/ab/run compiles it against the jar under test.
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.IntToDoubleFunction;

/** Resolves n times on this class loader's session-core; returns CPU ns per resolve. */
public class ResolveTask implements IntToDoubleFunction {
  private final SessionManager m = SessionManager.builder(InMemorySessionStore.create()).logEvents(false).build();
  private final String id;
  private final ThreadMXBean t = ManagementFactory.getThreadMXBean();
  public long sink;

  public ResolveTask() {
    NewSession created = m.create(ClientInfo.of("Firefox/128", "192.0.2.1"));
    m.save(created.session(), SessionUpdate.builder().put("a", "1").put("b", "2").put("c", "3").build());
    id = created.id().value();
  }

  @Override
  public double applyAsDouble(int n) {
    long s = t.getCurrentThreadCpuTime();
    for (int i = 0; i < n; i++) {
      sink += m.resolve(id).isFound() ? 1 : 0;
    }
    return (t.getCurrentThreadCpuTime() - s) / (double) n;
  }
}
