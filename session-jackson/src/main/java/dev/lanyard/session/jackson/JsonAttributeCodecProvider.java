package dev.lanyard.session.jackson;

import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.AttributeCodecProvider;
import java.nio.file.Path;

/**
 * Registers {@link JsonAttributeCodec} under the name {@code json} (init-param
 * {@code attributeCodec=json}). Found through {@link java.util.ServiceLoader}; applications do
 * not use it directly.
 *
 * @since 0.1.0
 */
public final class JsonAttributeCodecProvider implements AttributeCodecProvider {

    /** The name configuration uses. */
    public static final String NAME = "json";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public JsonAttributeCodecProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AttributeCodec create(Settings settings) {
        JsonAttributeCodec.Builder codec = JsonAttributeCodec.builder()
                .allowedPackages(settings.allowedPackages().toArray(String[]::new));
        for (Path directory : settings.classDirectories()) {
            codec.allowClassesIn(directory);
        }
        if (settings.classLoader() != null) {
            codec.classLoader(settings.classLoader());
        }
        return codec.build();
    }
}
