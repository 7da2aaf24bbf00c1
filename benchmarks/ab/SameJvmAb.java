// Not compiled by Maven: benchmarks/ab/run compiles it against the jar under test.
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/** Same JVM, two builds of session-core in two class loaders, rounds interleaved A B A B. */
public class SameJvmAb {
  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[2]);
    int n = Integer.parseInt(args[3]);
    IntToDoubleFunction a = load(args[0]);
    IntToDoubleFunction b = load(args[1]);
    double[] ra = new double[rounds], rb = new double[rounds], ratio = new double[rounds];
    for (int r = -5; r < rounds; r++) {
      double x = a.applyAsDouble(n), y = b.applyAsDouble(n);
      if (r >= 0) { ra[r] = x; rb[r] = y; ratio[r] = y / x; }
    }
    Arrays.sort(ra); Arrays.sort(rb); Arrays.sort(ratio);
    System.out.printf("A median %.1f ns/op, B median %.1f ns/op, median of per-round B/A %.3f (%d rounds of %d)%n",
        ra[rounds / 2], rb[rounds / 2], ratio[rounds / 2], rounds, n);
  }

  static IntToDoubleFunction load(String jar) throws Exception {
    URLClassLoader loader = new URLClassLoader(new URL[] {new File(jar).toURI().toURL(),
        new File(System.getProperty("task.dir")).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
    return (IntToDoubleFunction) loader.loadClass(System.getProperty("task.class", "ResolveTask"))
        .getConstructor().newInstance();
  }
}
