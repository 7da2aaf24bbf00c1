package dev.lanyard.session.codec;

import dev.lanyard.session.UnreadableAttributeException;
import dev.lanyard.session.spi.AttributeCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AttributeCodec}: a one-byte tag, then the value. Strings, numbers and
 * booleans get a compact form (a short string costs its UTF-8 bytes plus one), so small sessions
 * stay in Redis's compact encodings. Any other {@link Serializable} value is written with Java
 * serialization and read back only through an allow-list.
 *
 * <p><b>What is readable.</b> A class in a stored value is read back when it is not on the
 * gadget deny-list (classes of published deserialization gadget chains: commons-collections
 * functors, {@code TemplatesImpl}, Spring {@code ObjectFactory} proxies, Groovy closures, JNDI,
 * RMI and JMX classes, and more; refused by name before any class is loaded, whatever else is
 * allowed) and one of these holds:
 * <ul>
 *   <li>it is a JDK value class: a handful of {@code java.lang} value types, the packages
 *       {@code java.util}, {@code java.util.concurrent} (with its {@code atomic} and {@code locks}),
 *       {@code java.time} and {@code java.math} (not their other subpackages), or an array of
 *       those or of primitives;</li>
 *   <li>its package is one the application named with {@link Builder#allowedPackages(String...)}
 *       (init-param {@code allowedPackages}), or a subpackage of one;</li>
 *   <li>it was loaded from a class directory named with {@link Builder#allowClassesIn(Path)}: the
 *       servlet filter names the web application's own {@code WEB-INF/classes}, so an
 *       application's own classes need no configuration in a WAR, while the libraries of
 *       {@code WEB-INF/lib} (where gadget classes live) stay out.</li>
 * </ul>
 *
 * <p><b>Refused when written, never lost when read.</b> {@link #encode} checks every class that
 * goes into the serialized stream against the same rules, so a value this codec would refuse to
 * read back is refused at write with an {@link IllegalArgumentException} that names the
 * attribute, the class, and the init-param and builder call that allow it (logged once per class
 * at WARN). A stored value that breaks the rules anyway (written by another node, a crafted
 * record, a class removed in a deploy) is refused at read with an
 * {@link UnreadableAttributeException} before any of its code runs. Depth, reference count,
 * array length and stream size are bounded too.
 *
 * <p>Immutable configuration, thread-safe; cheap to keep one per application.
 *
 * @since 0.1.0
 */
public final class DefaultAttributeCodec implements AttributeCodec {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultAttributeCodec.class);

    /** Default bound on object graph depth. */
    public static final long DEFAULT_MAX_DEPTH = 20;
    /** Default bound on object references in one value. */
    public static final long DEFAULT_MAX_REFERENCES = 10_000;
    /** Default bound on any array's length. */
    public static final long DEFAULT_MAX_ARRAY_LENGTH = 100_000;
    /** Default bound on one serialized value, in bytes. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** How many refused classes are remembered so that each is logged once. */
    private static final int MAX_WARNED_CLASSES = 256;

    private static final byte STRING = 1;
    private static final byte INTEGER = 2;
    private static final byte LONG = 3;
    private static final byte BOOLEAN = 4;
    private static final byte DOUBLE = 5;
    private static final byte SERIALIZED = 16;

    private final AllowedClasses allowed;
    private final ClassLoader classLoader;
    private final ObjectInputFilter filter;
    private final long maxDepth;
    private final long maxReferences;
    private final long maxArrayLength;
    private final long maxBytes;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private DefaultAttributeCodec(Builder b) {
        this.allowed = AllowedClasses.of(b.packages, b.classDirectories);
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

    /**
     * Encodes a value, refusing it when this codec would not read it back.
     *
     * @throws IllegalArgumentException if the value is not {@link Serializable}, holds a class this
     *     codec would refuse to read (the message names the attribute, the class and the option that
     *     allows it), or serializes to more than the configured byte limit
     */
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
            throw new IllegalArgumentException(
                    "attribute '" + name + "' holds a " + value.getClass().getName()
                            + ", which is not Serializable; store an identifier instead, or configure another AttributeCodec");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        bytes.write(SERIALIZED);
        CheckingOutput checking = null;
        try (CheckingOutput out = new CheckingOutput(bytes)) {
            checking = out;
            out.writeObject(value);
        } catch (IOException e) {
            if (checking != null && checking.refused != null) {
                throw refusedAtWrite(name, value.getClass(), checking.refused);
            }
            throw new IllegalArgumentException(
                    "attribute '" + name + "' holds a " + value.getClass().getName() + " that cannot be serialized: "
                            + e.getClass().getSimpleName(),
                    e);
        }
        if (bytes.size() - 1 > maxBytes) {
            throw new IllegalArgumentException("attribute '" + name + "' holds a "
                    + value.getClass().getName()
                    + " that serializes to " + (bytes.size() - 1) + " bytes, over the codec's limit of " + maxBytes
                    + "; store an identifier instead (DefaultAttributeCodec.builder().limits(...) sets the limit)");
        }
        byte[] encoded = bytes.toByteArray();
        if (checking.objects >= maxDepth) {
            // Only a graph of at least maxDepth objects can break the depth, reference or array limits:
            // read such a value back once now, so that it is refused here rather than lost later.
            try {
                deserialize(name, encoded);
            } catch (UnreadableAttributeException e) {
                throw new IllegalArgumentException(
                        "attribute '" + name + "' holds a " + value.getClass().getName()
                                + " that the session codec would refuse to read back (" + e.getMessage()
                                + "), so nothing was stored;"
                                + " store a smaller value, or raise DefaultAttributeCodec.builder().limits(...)",
                        e);
            }
        }
        return encoded;
    }

    private IllegalArgumentException refusedAtWrite(String name, Class<?> top, Class<?> refused) {
        String what = top == refused ? refused.getName() : top.getName() + " that holds a " + refused.getName();
        String fix = AllowedClasses.howToAllow(refused);
        String message = "attribute '" + name + "' holds a " + what
                + ", which the session codec would refuse to read back, so nothing was stored; " + fix;
        if (warned.size() < MAX_WARNED_CLASSES && warned.add(refused.getName())) {
            LOG.warn("{}", message);
        }
        return new IllegalArgumentException(message);
    }

    /**
     * Decodes a value.
     *
     * @throws UnreadableAttributeException if the bytes are corrupt, exceed the limits, or name a
     *     class that is missing, changed incompatibly, denied or not allowed; it names the class
     *     when the stream told it
     */
    @Override
    public Object decode(String name, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw unreadable(name, null, "empty value", null);
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
                throw unreadable(name, null, "unknown encoding tag " + bytes[0], null);
        }
    }

    private Object deserialize(String name, byte[] bytes) {
        if (bytes.length - 1 > maxBytes) {
            throw unreadable(
                    name, null, "serialized value of " + (bytes.length - 1) + " bytes exceeds " + maxBytes, null);
        }
        FilteredInput in = null;
        try {
            in = new FilteredInput(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw unreadable(name, e.getMessage(), "class not found", e);
        } catch (InvalidClassException e) {
            String type = e.classname != null ? e.classname : in != null ? in.current : null;
            throw unreadable(name, type, e instanceof RefusedOnRead r ? r.why : "incompatible or refused class", e);
        } catch (IOException | RuntimeException e) {
            throw unreadable(name, in != null ? in.current : null, e.getClass().getSimpleName(), e);
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // a byte array stream does not fail to close
                }
            }
        }
    }

    private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info) {
        if (info.depth() > maxDepth
                || info.references() > maxReferences
                || info.streamBytes() > maxBytes
                || info.arrayLength() > maxArrayLength) {
            return ObjectInputFilter.Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type == null) {
            return ObjectInputFilter.Status.ALLOWED;
        }
        return allowed.allows(type) ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
    }

    private static void requireLength(String name, byte[] bytes, int length) {
        if (bytes.length != length) {
            throw unreadable(name, null, "wrong length for its encoding", null);
        }
    }

    private static UnreadableAttributeException unreadable(String name, String className, String why, Throwable cause) {
        String message =
                "attribute '" + name + "' cannot be read: " + why + (className == null ? "" : " (" + className + ")");
        return new UnreadableAttributeException(name, className, message, cause);
    }

    private static String elementName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims > 0 && name.length() > dims + 1 && name.charAt(dims) == 'L' && name.endsWith(";")) {
            return name.substring(dims + 1, name.length() - 1);
        }
        return name;
    }

    /** Thrown from {@link FilteredInput} for a denied or not-allowed class, before its code runs. */
    private static final class RefusedOnRead extends InvalidClassException {
        private static final long serialVersionUID = 1L;
        private final String why;

        RefusedOnRead(String className, String why) {
            super(className, why);
            this.why = why;
        }
    }

    /** Sees every class descriptor that goes into the stream: exactly the classes a reader will resolve. */
    private final class CheckingOutput extends ObjectOutputStream {
        /**
         * The first class refused. Kept here rather than in the exception: the stream writes a fatal
         * exception into itself, which passes through these checks again.
         */
        Class<?> refused;
        /** How many objects were written. */
        long objects;

        CheckingOutput(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            objects++;
            return obj;
        }

        @Override
        protected void annotateClass(Class<?> type) throws IOException {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (!allowed.allows(element)) {
                refuse(element);
            }
        }

        @Override
        protected void annotateProxyClass(Class<?> type) throws IOException {
            refuse(type);
        }

        private void refuse(Class<?> type) throws IOException {
            if (refused == null) {
                refused = type;
            }
            throw new InvalidClassException(type.getName(), "would not be read back");
        }
    }

    /** Refuses denied names before loading, then resolves with the configured loader and checks the class. */
    private final class FilteredInput extends ObjectInputStream {
        /** The class descriptor being resolved, for the report when reading fails. */
        String current;

        FilteredInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            String element = elementName(desc.getName());
            current = element;
            if (AllowedClasses.isDenied(element)) {
                throw new RefusedOnRead(element, "a class on the gadget deny-list");
            }
            ClassLoader loader =
                    classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            Class<?> type;
            try {
                type = loader == null ? super.resolveClass(desc) : forName(desc, loader);
            } catch (ClassNotFoundException e) {
                // Fatal here: the stream would record it and go on, and a missing superclass in a
                // crafted (or outdated) stream would leave the subclass half built (a HashSet without
                // its map), read back as a value that fails wherever it is used.
                throw new RefusedOnRead(element, "class not found");
            }
            if (!allowed.allows(type)) {
                throw new RefusedOnRead(element, "a class the allow-list does not admit");
            }
            return type;
        }

        private Class<?> forName(ObjectStreamClass desc, ClassLoader loader)
                throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }

        @Override
        protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
            current = interfaces.length > 0 ? interfaces[0] : null;
            throw new RefusedOnRead(current, "dynamic proxies are never deserialized");
        }
    }

    /** Configures a {@link DefaultAttributeCodec}. Not thread-safe. */
    public static final class Builder {
        private final List<String> packages = new ArrayList<>();
        private final List<Path> classDirectories = new ArrayList<>();
        private ClassLoader classLoader;
        private long maxDepth = DEFAULT_MAX_DEPTH;
        private long maxReferences = DEFAULT_MAX_REFERENCES;
        private long maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder() {}

        /**
         * Allows the classes of these packages and their subpackages to be read back (init-param
         * {@code allowedPackages}). Name only packages that hold plain data classes of your own; the
         * gadget deny-list applies whatever is named here.
         *
         * @param packageNames package names such as {@code com.example.shop}
         * @return this builder
         * @throws IllegalArgumentException for a blank or wildcard name, or a JDK package
         */
        public Builder allowedPackages(String... packageNames) {
            Objects.requireNonNull(packageNames, "packageNames");
            List<String> names = List.of(packageNames);
            AllowedClasses.of(names, List.of()); // checks each name now, naming the option
            packages.addAll(names);
            return this;
        }

        /**
         * Allows the classes of one package and its subpackages; the same as
         * {@link #allowedPackages(String...)} with one name.
         *
         * @param packageName a package name such as {@code com.example.shop}
         * @return this builder
         */
        public Builder allowPackage(String packageName) {
            return allowedPackages(packageName);
        }

        /**
         * Allows the classes loaded from one class directory, such as a web application's
         * {@code WEB-INF/classes} (the servlet filter adds that one by itself). Classes from JAR files
         * are never admitted this way, so the libraries beside the application stay out. The gadget
         * deny-list still applies.
         *
         * @param directory a directory of {@code .class} files
         * @return this builder
         */
        public Builder allowClassesIn(Path directory) {
            Objects.requireNonNull(directory, "directory");
            classDirectories.add(directory);
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
