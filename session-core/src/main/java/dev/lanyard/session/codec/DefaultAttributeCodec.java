package dev.lanyard.session.codec;

import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.AttributeCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The default {@link AttributeCodec}: a one-byte tag, then the value. Strings, numbers and
 * booleans get a compact form (a short string costs its UTF-8 bytes plus one), so small sessions
 * stay in Redis's compact encodings. Any other {@link Serializable} value is written with Java
 * serialization, and read back through an {@link ObjectInputFilter} that admits only an
 * allow-list of classes: a handful of {@code java.lang} value types, the {@code java.util},
 * {@code java.time} and {@code java.math} packages (not their subpackages), arrays of those,
 * and the packages the application names with {@link Builder#allowPackage(String)}. Depth,
 * reference count, array length and stream size are bounded too. A stored value that breaks
 * these rules, names a missing class, or is corrupt is refused with
 * {@link UnreadableSessionException}: a poisoned record cannot run a gadget chain.
 *
 * <p>Immutable and thread-safe.
 */
public final class DefaultAttributeCodec implements AttributeCodec {

  /** Default bound on object graph depth. */
  public static final long DEFAULT_MAX_DEPTH = 20;
  /** Default bound on object references in one value. */
  public static final long DEFAULT_MAX_REFERENCES = 10_000;
  /** Default bound on any array's length. */
  public static final long DEFAULT_MAX_ARRAY_LENGTH = 100_000;
  /** Default bound on one serialized value, in bytes. */
  public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

  private static final byte STRING = 1;
  private static final byte INTEGER = 2;
  private static final byte LONG = 3;
  private static final byte BOOLEAN = 4;
  private static final byte DOUBLE = 5;
  private static final byte SERIALIZED = 16;

  private static final Set<String> ALLOWED_PACKAGES = Set.of("java.util", "java.time", "java.math");
  private static final Set<String> ALLOWED_JAVA_LANG = Set.of(
      "java.lang.Object", "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short",
      "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number",
      "java.lang.Enum", "java.lang.Record", "java.lang.String$CaseInsensitiveComparator");

  private final List<String> applicationPackages;
  private final ClassLoader classLoader;
  private final ObjectInputFilter filter;
  private final long maxDepth;
  private final long maxReferences;
  private final long maxArrayLength;
  private final long maxBytes;

  private DefaultAttributeCodec(Builder b) {
    this.applicationPackages = List.copyOf(b.packages);
    this.classLoader = b.classLoader;
    this.filter = this::check;
    this.maxDepth = b.maxDepth;
    this.maxReferences = b.maxReferences;
    this.maxArrayLength = b.maxArrayLength;
    this.maxBytes = b.maxBytes;
  }


  /**
   * Returns a codec that allows only the JDK's value classes.
   *
   * @return the codec
   */
  public static DefaultAttributeCodec create() {
    return builder().build();
  }

  /** @return a builder for a codec that also allows the application's classes */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public byte[] encode(String name, Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[utf8.length + 1];
      out[0] = STRING;
      System.arraycopy(utf8, 0, out, 1, utf8.length);
      return out;
    }
    if (value instanceof Integer i) {
      return ByteBuffer.allocate(5).put(INTEGER).putInt(i).array();
    }
    if (value instanceof Long l) {
      return ByteBuffer.allocate(9).put(LONG).putLong(l).array();
    }
    if (value instanceof Boolean b) {
      return new byte[] {BOOLEAN, (byte) (b ? 1 : 0)};
    }
    if (value instanceof Double d) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble(d).array();
    }
    if (!(value instanceof Serializable)) {
      throw new IllegalArgumentException("attribute '" + name + "' holds a " + value.getClass().getName()
          + ", which is not Serializable; store an identifier instead, or configure another AttributeCodec");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    bytes.write(SERIALIZED);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("attribute '" + name + "' holds a " + value.getClass().getName()
          + " that cannot be serialized: " + e.getClass().getSimpleName(), e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(String name, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw unreadable(name, "empty value", null);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    switch (bytes[0]) {
      case STRING:
        return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
      case INTEGER:
        requireLength(name, bytes, 5);
        return buffer.getInt();
      case LONG:
        requireLength(name, bytes, 9);
        return buffer.getLong();
      case BOOLEAN:
        requireLength(name, bytes, 2);
        return bytes[1] != 0;
      case DOUBLE:
        requireLength(name, bytes, 9);
        return buffer.getDouble();
      case SERIALIZED:
        return deserialize(name, bytes);
      default:
        throw unreadable(name, "unknown encoding tag " + bytes[0], null);
    }
  }

  private Object deserialize(String name, byte[] bytes) {
    if (bytes.length - 1 > maxBytes) {
      throw unreadable(name, "serialized value of " + (bytes.length - 1) + " bytes exceeds " + maxBytes, null);
    }
    try (ObjectInputStream in = new FilteredInput(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw unreadable(name, e.getClass().getSimpleName(), e);
    }
  }

  private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
    if (info.depth() > maxDepth || info.references() > maxReferences || info.streamBytes() > maxBytes
        || info.arrayLength() > maxArrayLength) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> type = info.serialClass();
    if (type == null) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    return type.isPrimitive() || isAllowed(type.getName(), type.getPackageName())
        ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
  }

  private boolean isAllowed(String className, String packageName) {
    if (ALLOWED_JAVA_LANG.contains(className) || ALLOWED_PACKAGES.contains(packageName)) {
      return true;
    }
    for (String allowed : applicationPackages) {
      if (packageName.equals(allowed) || packageName.startsWith(allowed + ".")) {
        return true;
      }
    }
    return false;
  }

  private static void requireLength(String name, byte[] bytes, int length) {
    if (bytes.length != length) {
      throw unreadable(name, "wrong length for its encoding", null);
    }
  }

  private static UnreadableSessionException unreadable(String name, String why, Throwable cause) {
    return new UnreadableSessionException(null, "attribute '" + name + "' cannot be read: " + why, cause);
  }

  /** Resolves classes with the configured loader, or the thread's context loader. */
  private final class FilteredInput extends ObjectInputStream {
    FilteredInput(InputStream in) throws IOException {
      super(in);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        return super.resolveClass(desc);
      }
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      throw new java.io.InvalidClassException("dynamic proxies are never deserialized");
    }
  }

  /** Configures a {@link DefaultAttributeCodec}. Not thread-safe. */
  public static final class Builder {
    private final List<String> packages = new ArrayList<>();
    private ClassLoader classLoader;
    private long maxDepth = DEFAULT_MAX_DEPTH;
    private long maxReferences = DEFAULT_MAX_REFERENCES;
    private long maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
    private long maxBytes = DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * Allows the classes of a package and its subpackages to be deserialized. Name only packages
     * that hold plain data classes of your own.
     *
     * @param packageName a package name such as {@code com.example.shop}
     * @return this builder
     */
    public Builder allowPackage(String packageName) {
      Objects.requireNonNull(packageName, "packageName");
      if (packageName.isBlank() || packageName.endsWith(".") || packageName.contains("*")) {
        throw new IllegalArgumentException("allowPackage takes a plain package name such as com.example.shop");
      }
      if (packageName.equals("java") || packageName.startsWith("java.") || packageName.startsWith("javax.")
          || packageName.startsWith("sun.") || packageName.startsWith("jdk.") || packageName.startsWith("com.sun.")) {
        throw new IllegalArgumentException("allowPackage (" + packageName
            + ") must name an application package; JDK packages beyond the defaults are never allowed");
      }
      packages.add(packageName);
      return this;
    }

    /**
     * Sets the loader for application classes (default: the thread's context class loader).
     *
     * @param loader the loader
     * @return this builder
     */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    /**
     * Bounds the object graph of one value ({@link #DEFAULT_MAX_DEPTH} deep,
     * {@link #DEFAULT_MAX_REFERENCES} references, arrays of {@link #DEFAULT_MAX_ARRAY_LENGTH},
     * {@link #DEFAULT_MAX_BYTES} bytes).
     *
     * @param depth maximum depth
     * @param references maximum references
     * @param arrayLength maximum array length
     * @param bytes maximum serialized size
     * @return this builder
     */
    public Builder limits(long depth, long references, long arrayLength, long bytes) {
      if (depth < 1 || references < 1 || arrayLength < 0 || bytes < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
      this.maxDepth = depth;
      this.maxReferences = references;
      this.maxArrayLength = arrayLength;
      this.maxBytes = bytes;
      return this;
    }

    /** @return the codec */
    public DefaultAttributeCodec build() {
      return new DefaultAttributeCodec(this);
    }
  }
}
