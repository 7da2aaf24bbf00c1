package dev.lanyard.session.jackson;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.lanyard.session.UnreadableAttributeException;
import dev.lanyard.session.codec.AllowedClasses;
import dev.lanyard.session.spi.AttributeCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.TypeFactory;

/**
 * An {@link AttributeCodec} that stores each attribute as UTF-8 JSON through Jackson 3, so that
 * non-Java services can read sessions and no Java deserialization runs at all.
 *
 * <p><b>Format.</b> Strings, booleans, {@code int} and {@code double} values are plain JSON
 * ({@code "dark"}, {@code true}, {@code 3}). Any other value carries its Java type the way
 * Jackson's default typing writes it, as a two-element array:
 * {@code ["com.example.shop.Cart",{"items":["java.util.ArrayList",["apple","pear"]]}]},
 * {@code ["java.lang.Long",5]};
 * inside a value, fields declared as {@code Object}, an interface or an abstract class carry their
 * type the same way. Objects are written from their fields (as Java serialization does; getters
 * are not called, {@code transient} fields are left out), and read back ignoring fields a newer
 * class no longer has.
 *
 * <p><b>What is readable.</b> Type ids are admitted only by an allow-listing
 * {@link tools.jackson.databind.jsontype.PolymorphicTypeValidator} backed by
 * {@link AllowedClasses}: JDK value types, the application's {@link Builder#allowedPackages
 * allowedPackages}, classes from {@link Builder#allowClassesIn class directories}, and never a
 * class on the gadget deny-list. A value that would not be read back is refused by
 * {@link #encode} (the message names the attribute, the class and the option that allows it);
 * every value is read back once when written, so what was accepted can be read.
 *
 * <p>Immutable configuration, thread-safe; build one per application.
 *
 * @since 0.1.0
 */
public final class JsonAttributeCodec implements AttributeCodec {

    private static final Logger LOG = LoggerFactory.getLogger(JsonAttributeCodec.class);

    /** Default bound on one encoded value, in bytes. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    private static final int MAX_WARNED_CLASSES = 256;

    private final AllowedClasses allowed;
    private final ObjectWriter writer;
    private final ObjectReader reader;
    private final long maxBytes;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private JsonAttributeCodec(Builder b) {
        this.allowed = AllowedClasses.of(b.packages, b.classDirectories);
        JsonMapper.Builder mapper = JsonMapper.builder()
                .activateDefaultTyping(
                        new AllowListTypeValidator(allowed),
                        DefaultTyping.OBJECT_AND_NON_CONCRETE,
                        JsonTypeInfo.As.WRAPPER_ARRAY)
                .changeDefaultVisibility(v -> v.withFieldVisibility(Visibility.ANY)
                        .withGetterVisibility(Visibility.NONE)
                        .withIsGetterVisibility(Visibility.NONE)
                        .withSetterVisibility(Visibility.NONE))
                .enable(MapperFeature.ALLOW_FINAL_FIELDS_AS_MUTATORS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        if (b.classLoader != null) {
            mapper.typeFactory(TypeFactory.createDefaultInstance().withClassLoader(b.classLoader));
        }
        JsonMapper built = mapper.build();
        this.writer = built.writerFor(Object.class);
        this.reader = built.readerFor(Object.class);
        this.maxBytes = b.maxBytes;
    }

    /** @return a codec that reads back only JDK value types */
    public static JsonAttributeCodec create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Encodes a value as JSON, refusing it when this codec would not read it back.
     *
     * @throws IllegalArgumentException if the value, or a value inside it, is of a class this codec
     *     would not read back (the message names the attribute, the class and the option that
     *     allows it), cannot be written or read as JSON, or exceeds the byte limit
     */
    @Override
    public byte[] encode(String name, Object value) {
        Objects.requireNonNull(value, "value");
        Class<?> type = value.getClass();
        if (!allowed.allows(type)) {
            throw refused(name, type.getName(), type.getName());
        }
        byte[] bytes;
        try {
            bytes = writer.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "attribute '" + name + "' holds a " + type.getName()
                            + " that cannot be written as JSON (" + e.getClass().getSimpleName()
                            + "); store plain data, or use"
                            + " attributeCodec=java",
                    e);
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException("attribute '" + name + "' holds a " + type.getName() + " of "
                    + bytes.length + " bytes as JSON, over the codec's limit of " + maxBytes
                    + "; store an identifier instead");
        }
        try {
            reader.readValue(bytes);
        } catch (InvalidTypeIdException e) {
            throw refused(name, type.getName(), e.getTypeId() != null ? e.getTypeId() : type.getName());
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "attribute '" + name + "' holds a " + type.getName()
                            + " that JSON cannot read back (" + e.getClass().getSimpleName()
                            + ": a class without a no-argument or"
                            + " annotated constructor, or a field of an abstract type?); nothing was stored",
                    e);
        }
        return bytes;
    }

    private IllegalArgumentException refused(String name, String top, String refused) {
        String element = AllowListTypeValidator.elementName(refused);
        String what = top.equals(element) ? element : top + " that holds a " + element;
        int dot = element.lastIndexOf('.');
        String pkg = dot < 0 ? "" : element.substring(0, dot);
        String fix;
        if (AllowedClasses.isDenied(element)) {
            fix = element + " is on Lanyard's deserialization gadget deny-list and is never read back; store plain data"
                    + " instead";
        } else if (pkg.isEmpty() || pkg.startsWith("java.") || pkg.startsWith("javax.")) {
            fix = "this class cannot be allowed; store a plain value instead";
        } else {
            fix = "allow its package once: init-param allowedPackages=" + pkg + ", or JsonAttributeCodec.builder()"
                    + ".allowedPackages(\"" + pkg + "\") (see docs/jackson.md)";
        }
        String message = "attribute '" + name + "' holds a " + what
                + ", which the session codec would refuse to read back, so nothing was stored; " + fix;
        if (warned.size() < MAX_WARNED_CLASSES && warned.add(element)) {
            LOG.warn("{}", message);
        }
        return new IllegalArgumentException(message);
    }

    /**
     * Decodes a value. No Java deserialization runs: objects are built by Jackson from their JSON
     * fields, and only for type ids the allow-list admits.
     *
     * @throws UnreadableAttributeException if the bytes are not JSON this codec wrote, exceed the
     *     limit, or name a type that is missing, denied or not allowed (then it names the type). The
     *     exception never carries the stored text.
     */
    @Override
    public Object decode(String name, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > maxBytes) {
            throw new UnreadableAttributeException(
                    name,
                    null,
                    "attribute '" + name + "' cannot be read: " + bytes.length + " bytes exceed " + maxBytes,
                    null);
        }
        try {
            return reader.readValue(bytes);
        } catch (InvalidTypeIdException e) {
            String typeId = e.getTypeId();
            String why = typeId != null && AllowedClasses.isDenied(AllowListTypeValidator.elementName(typeId))
                    ? "a type on the gadget deny-list"
                    : "a type that is missing or not allowed";
            throw new UnreadableAttributeException(
                    name,
                    typeId,
                    "attribute '" + name + "' cannot be read: " + why + (typeId == null ? "" : " (" + typeId + ")"),
                    null);
        } catch (JacksonException e) {
            // The cause is left out on purpose: Jackson's messages may quote the stored text.
            throw new UnreadableAttributeException(
                    name,
                    null,
                    "attribute '" + name + "' cannot be read: " + e.getClass().getSimpleName(),
                    null);
        }
    }

    /** Configures a {@link JsonAttributeCodec}. Not thread-safe. */
    public static final class Builder {
        private final List<String> packages = new ArrayList<>();
        private final List<Path> classDirectories = new ArrayList<>();
        private ClassLoader classLoader;
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder() {}

        /**
         * Allows the classes of these packages and their subpackages as type ids (init-param
         * {@code allowedPackages}). The gadget deny-list applies whatever is named here.
         *
         * @param packageNames package names such as {@code com.example.shop}
         * @return this builder
         * @throws IllegalArgumentException for a blank or wildcard name, or a JDK package
         */
        public Builder allowedPackages(String... packageNames) {
            Objects.requireNonNull(packageNames, "packageNames");
            List<String> names = List.of(packageNames);
            AllowedClasses.of(names, List.of());
            packages.addAll(names);
            return this;
        }

        /**
         * Allows the classes loaded from one class directory, such as {@code WEB-INF/classes} (the
         * servlet filter adds that one by itself); classes from JAR files never qualify this way.
         *
         * @param directory a directory of {@code .class} files
         * @return this builder
         */
        public Builder allowClassesIn(Path directory) {
            classDirectories.add(Objects.requireNonNull(directory, "directory"));
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
         * Bounds one encoded value (default {@link #DEFAULT_MAX_BYTES}).
         *
         * @param bytes the limit, positive
         * @return this builder
         */
        public Builder maxBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBytes (" + bytes + ") must be positive");
            }
            this.maxBytes = bytes;
            return this;
        }

        /** @return the codec */
        public JsonAttributeCodec build() {
            return new JsonAttributeCodec(this);
        }
    }
}
