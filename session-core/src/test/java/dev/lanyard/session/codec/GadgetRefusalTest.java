package dev.lanyard.session.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.UnreadableAttributeException;
import dev.lanyard.session.app.Cart;
import dev.lanyard.session.gadget.FlagGadget;
import dev.lanyard.session.gadget.GadgetFlag;
import dev.lanyard.session.gadget.GadgetRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.commons.collections.functors.InvokerTransformer;
import org.codehaus.groovy.runtime.MethodClosure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectFactory;

/**
 * Crafted records naming gadget classes are refused before any of their code runs, whatever the
 * application allows; the application's own classes become readable only as configured.
 */
class GadgetRefusalTest {

    /** Allows every package a careless configuration could name. */
    private final DefaultAttributeCodec permissive = DefaultAttributeCodec.builder()
            .allowedPackages("org", "com", "bsh", "clojure", "groovy", "dev")
            .build();

    @BeforeEach
    void resetFlag() {
        GadgetFlag.RAN.set(0);
    }

    @Test
    void positiveControlAnAllowedGadgetClassDoesRunItsReadObject() {
        DefaultAttributeCodec allowing = DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.gadget")
                .build();
        assertThat(allowing.decode("x", GadgetRecords.of(new FlagGadget()))).isInstanceOf(FlagGadget.class);
        assertThat(GadgetFlag.RAN.get())
                .as("the flag does flip when the class is allowed")
                .isEqualTo(1);
    }

    @Test
    void everyWellKnownGadgetNameIsRefusedWhateverIsAllowed() {
        for (String gadget : GadgetRecords.WELL_KNOWN) {
            byte[] record = GadgetRecords.naming(gadget);
            assertThatThrownBy(() -> permissive.decode("cart", record))
                    .as(gadget)
                    .isInstanceOf(UnreadableAttributeException.class)
                    .satisfies(e -> assertThat(((UnreadableAttributeException) e).className())
                            .isEqualTo(gadget))
                    .hasMessageContaining("deny-list");
            assertThatThrownBy(() -> DefaultAttributeCodec.create().decode("cart", record))
                    .as(gadget)
                    .isInstanceOf(UnreadableAttributeException.class);
        }
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void classesNamedLikeGadgetsAreRefusedAtWriteAndAtReadEvenInAnAllowedPackage() {
        for (Serializable gadget : List.of(new InvokerTransformer(), new MethodClosure(), new ObjectFactory())) {
            assertThatThrownBy(() -> permissive.encode("cart", gadget))
                    .as(gadget.getClass().getName())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(gadget.getClass().getName())
                    .hasMessageContaining("gadget deny-list");
            assertThatThrownBy(() -> permissive.decode("cart", GadgetRecords.of(gadget)))
                    .isInstanceOf(UnreadableAttributeException.class);
        }
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void aGadgetNestedInAllowedValuesNeverRuns() {
        ArrayList<Object> list = new ArrayList<>(
                List.of("harmless", new java.util.HashMap<>(java.util.Map.of("k", new InvokerTransformer()))));
        assertThatThrownBy(() -> permissive.decode("list", GadgetRecords.of(list)))
                .isInstanceOf(UnreadableAttributeException.class);
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void anApplicationClassOffTheAllowListIsRefusedAtWriteWithTheFixAndNeverRunsAtRead() {
        DefaultAttributeCodec codec = DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.app")
                .build();
        assertThatThrownBy(() -> codec.encode("flag", new FlagGadget()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'flag'")
                .hasMessageContaining("dev.lanyard.session.gadget.FlagGadget")
                .hasMessageContaining("init-param allowedPackages=dev.lanyard.session.gadget")
                .hasMessageContaining(
                        "DefaultAttributeCodec.builder().allowedPackages(\"dev.lanyard.session.gadget\")");
        assertThatThrownBy(() -> codec.decode("flag", GadgetRecords.of(new FlagGadget())))
                .isInstanceOf(UnreadableAttributeException.class)
                .satisfies(e -> assertThat(((UnreadableAttributeException) e).className())
                        .isEqualTo(FlagGadget.class.getName()));
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void proxiesAreNeverWritten() {
        Object proxy = java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Runnable.class, Serializable.class},
                (InvocationHandlerImpl) (p, m, a) -> null);
        assertThatThrownBy(() -> permissive.encode("p", proxy)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A serializable invocation handler, so that only the proxy itself is what gets refused. */
    interface InvocationHandlerImpl extends java.lang.reflect.InvocationHandler, Serializable {}

    @Test
    void classesOfTheApplicationsClassDirectoryNeedNoConfigurationButJarsBesideItStayOut(@TempDir Path temp)
            throws Exception {
        Path classes = temp.resolve("WEB-INF/classes");
        copyClass(Cart.class, classes);
        Path jar = temp.resolve("WEB-INF/lib/gadgets.jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(resourceOf(FlagGadget.class)));
            try (InputStream in = FlagGadget.class.getClassLoader().getResourceAsStream(resourceOf(FlagGadget.class))) {
                in.transferTo(out);
            }
        }
        try (URLClassLoader webapp = new URLClassLoader(
                new URL[] {classes.toUri().toURL(), jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> cartType = webapp.loadClass(Cart.class.getName());
            Class<?> gadgetType = webapp.loadClass(FlagGadget.class.getName());
            assertThat(cartType).isNotSameAs(Cart.class);
            Object cart = cartType.getDeclaredConstructor().newInstance();
            Object gadget = gadgetType.getDeclaredConstructor().newInstance();

            DefaultAttributeCodec codec = DefaultAttributeCodec.builder()
                    .classLoader(webapp)
                    .allowClassesIn(classes)
                    .build();
            byte[] encoded = codec.encode("cart", cart);
            assertThat(codec.decode("cart", encoded).getClass()).isSameAs(cartType);
            assertThatThrownBy(() -> codec.encode("gadget", gadget))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedPackages=dev.lanyard.session.gadget");

            DefaultAttributeCodec unconfigured =
                    DefaultAttributeCodec.builder().classLoader(webapp).build();
            assertThatThrownBy(() -> unconfigured.encode("cart", cart))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedPackages=dev.lanyard.session.app");
            assertThatThrownBy(() -> unconfigured.decode("cart", encoded))
                    .isInstanceOf(UnreadableAttributeException.class);
        }
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void aClassThatDisappearedOrChangedIsUnreadableAndNamed() {
        DefaultAttributeCodec codec =
                DefaultAttributeCodec.builder().allowedPackages("dev.lanyard").build();
        byte[] missing = GadgetRecords.naming("dev.lanyard.session.app.RemovedInThisDeploy");
        assertThatThrownBy(() -> codec.decode("cart", missing))
                .isInstanceOf(UnreadableAttributeException.class)
                .satisfies(e -> assertThat(((UnreadableAttributeException) e).className())
                        .isEqualTo("dev.lanyard.session.app.RemovedInThisDeploy"));
        byte[] changed = GadgetRecords.of(new Cart());
        // serialVersionUID 1 is the last 8 bytes of the class descriptor's header: make it 2
        int uid = indexOfUid(changed);
        changed[uid + 7] = 2;
        assertThatThrownBy(() -> codec.decode("cart", changed))
                .isInstanceOf(UnreadableAttributeException.class)
                .satisfies(e -> assertThat(((UnreadableAttributeException) e).className())
                        .isEqualTo(Cart.class.getName()));
    }

    private static int indexOfUid(byte[] stream) {
        byte[] name = Cart.class.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i + name.length <= stream.length; i++) {
            if (java.util.Arrays.equals(stream, i, i + name.length, name, 0, name.length)) {
                return i + name.length;
            }
        }
        throw new IllegalStateException("no class name");
    }

    private static String resourceOf(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static void copyClass(Class<?> type, Path root) throws IOException {
        Path target = root.resolve(resourceOf(type));
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(resourceOf(type));
                OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }
}
