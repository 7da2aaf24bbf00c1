package dev.lanyard.session.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Makes an {@link AttributeCodec} by name, for configuration that names a codec as text (the
 * servlet filter's init-param {@code attributeCodec}). Registered with
 * {@link java.util.ServiceLoader}; {@code java} (the default codec) is built in, and
 * {@code session-jackson} registers {@code json}.
 *
 * @since 0.1.0
 */
public interface AttributeCodecProvider {

    /**
     * Returns the name configuration uses for this codec, lower case, such as {@code json}.
     *
     * @return the name
     */
    String name();

    /**
     * Creates a codec.
     *
     * @param settings what the application allows to be read back
     * @return a new codec
     */
    AttributeCodec create(Settings settings);

    /**
     * What a codec made from configuration is told about the application.
     *
     * @param allowedPackages the application packages whose classes may be read back (init-param
     *     {@code allowedPackages})
     * @param classDirectories class directories whose classes may be read back (the web
     *     application's {@code WEB-INF/classes})
     * @param classLoader the application's class loader, or {@code null} for the thread's context
     *     class loader
     */
    record Settings(List<String> allowedPackages, List<Path> classDirectories, ClassLoader classLoader) {
        /**
         * Copies the lists.
         *
         * @param allowedPackages the application packages whose classes may be read back
         * @param classDirectories class directories whose classes may be read back
         * @param classLoader the application's class loader, or {@code null}
         */
        public Settings {
            allowedPackages = List.copyOf(Objects.requireNonNull(allowedPackages, "allowedPackages"));
            classDirectories = List.copyOf(Objects.requireNonNull(classDirectories, "classDirectories"));
        }
    }
}
