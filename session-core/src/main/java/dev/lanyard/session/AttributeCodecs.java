package dev.lanyard.session;

import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.AttributeCodecProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Makes an attribute codec by name, as the init-param {@code attributeCodec} names it:
 * {@value #JAVA} (the default, {@link DefaultAttributeCodec}) or any name an
 * {@link AttributeCodecProvider} on the class path registers ({@code json} with
 * {@code session-jackson}). Names are case-insensitive.
 *
 * @since 0.1.0
 */
public final class AttributeCodecs {

    /** The name of the default codec: compact common types, Java serialization behind an allow-list. */
    public static final String JAVA = "java";

    private AttributeCodecs() {}

    /**
     * Creates the codec {@code name} names.
     *
     * @param name a codec name such as {@code java} or {@code json}
     * @param settings what the application allows to be read back
     * @return a new codec
     * @throws IllegalArgumentException if no codec of that name is on the class path; the message
     *     lists the names that are
     */
    public static AttributeCodec create(String name, AttributeCodecProvider.Settings settings) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (wanted.equals(JAVA)) {
            DefaultAttributeCodec.Builder codec = DefaultAttributeCodec.builder()
                    .allowedPackages(settings.allowedPackages().toArray(String[]::new));
            for (Path directory : settings.classDirectories()) {
                codec.allowClassesIn(directory);
            }
            if (settings.classLoader() != null) {
                codec.classLoader(settings.classLoader());
            }
            return codec.build();
        }
        ClassLoader loader = settings.classLoader() != null
                ? settings.classLoader()
                : Thread.currentThread().getContextClassLoader();
        TreeSet<String> known = new TreeSet<>();
        known.add(JAVA);
        for (AttributeCodecProvider provider : ServiceLoader.load(
                AttributeCodecProvider.class, loader != null ? loader : AttributeCodecs.class.getClassLoader())) {
            if (provider.name().equalsIgnoreCase(wanted)) {
                return provider.create(settings);
            }
            known.add(provider.name());
        }
        throw new IllegalArgumentException("attributeCodec (" + name + ") is not on the class path; known: " + known
                + (wanted.equals("json") ? " (add the dev.lanyard:session-jackson dependency for json)" : ""));
    }
}
