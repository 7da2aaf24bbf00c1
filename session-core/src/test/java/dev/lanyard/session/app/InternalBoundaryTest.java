package dev.lanyard.session.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The boundary between what applications may use and {@code dev.lanyard.session.internal}, checked
 * on the compiled classes of session-core: the internal package holds only the types listed here
 * (a new one is a decision, made by editing the list), and no public or protected member of an
 * exported type names an internal type, so an application never needs one.
 */
class InternalBoundaryTest {

    private static final String INTERNAL = "dev.lanyard.session.internal.";

    /** Every public type of the internal package, and why Lanyard's other modules need it. */
    private static final List<String> PUBLIC_INTERNAL_TYPES = List.of(
            "GuardedListeners", // the manager's listener list
            "ListenerGuard", // the one catch-log-ignore loop, used by servlet, redis and jdbc
            "ModuleEvents", // how servlet and jwt publish their events; no public publish on the manager
            "ModuleEvents$Publication");

    @Test
    void theInternalPackageHoldsOnlyTheListedPublicTypes() throws Exception {
        List<String> found = new ArrayList<>();
        for (Class<?> type : coreClasses()) {
            if (type.getName().startsWith(INTERNAL) && Modifier.isPublic(type.getModifiers())) {
                found.add(type.getName().substring(INTERNAL.length()));
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(PUBLIC_INTERNAL_TYPES);
    }

    @Test
    void noPublicMemberOfAnExportedTypeNamesAnInternalType() throws Exception {
        TreeSet<String> leaks = new TreeSet<>();
        for (Class<?> type : coreClasses()) {
            if (type.getName().startsWith(INTERNAL) || !isVisible(type)) {
                continue;
            }
            check(leaks, type.getName() + " extends", type.getGenericSuperclass());
            for (var implemented : type.getGenericInterfaces()) {
                check(leaks, type.getName() + " implements", implemented);
            }
            for (Method m : type.getDeclaredMethods()) {
                if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, m.toGenericString(), m.toGenericString());
                }
            }
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (isVisible(c.getModifiers())) {
                    check(leaks, c.toGenericString(), c.toGenericString());
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (isVisible(f.getModifiers())) {
                    check(leaks, f.toGenericString(), f.toGenericString());
                }
            }
        }
        assertThat(leaks).as("public members that name an internal type").isEmpty();
    }

    private static void check(TreeSet<String> leaks, String where, Object signature) {
        if (signature != null && signature.toString().contains(INTERNAL)) {
            leaks.add(where);
        }
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!isVisible(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** Every class compiled from session-core's main sources. */
    private static List<Class<?>> coreClasses() throws IOException, URISyntaxException {
        Path root = Path.of(SessionManager.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(root).as("session-core's classes as a directory").isDirectory();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = root.relativize(file).toString();
                if (name.endsWith(".class")
                        && !name.endsWith("module-info.class")
                        && !name.endsWith("package-info.class")) {
                    String className = name.substring(0, name.length() - ".class".length())
                            .replace(file.getFileSystem().getSeparator(), ".");
                    try {
                        classes.add(Class.forName(className, false, SessionManager.class.getClassLoader()));
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError(className, e);
                    }
                }
            }
        }
        assertThat(classes).as("classes found").hasSizeGreaterThan(50);
        return classes;
    }
}
