package dev.lanyard.session.codec;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one rule for which classes an attribute codec may read back, shared by every codec that
 * names classes in stored data (Java serialization, JSON with type information). A class is
 * readable when it is not on the gadget deny-list (classes of published deserialization gadget
 * chains, refused by name whatever else is allowed) and it is a JDK value class, or its package
 * is one of {@link #packages()} (or a subpackage), or it was loaded from one of
 * {@link #classDirectories()} (a web application's {@code WEB-INF/classes}; never a JAR file).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class AllowedClasses {

    private static final Set<String> JDK_PACKAGES = Set.of(
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "java.util.concurrent.locks",
            "java.time",
            "java.math");
    private static final Set<String> JDK_LANG = Set.of(
            "java.lang.Object",
            "java.lang.String",
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Character",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Number",
            "java.lang.Enum",
            "java.lang.Record",
            "java.lang.String$CaseInsensitiveComparator");

    private final List<String> packages;
    private final List<Path> classDirectories;
    private final ClassValue<Boolean> fromClassDirectory = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return loadedFromClassDirectory(type);
        }
    };

    private AllowedClasses(List<String> packages, List<Path> classDirectories) {
        this.packages = packages;
        this.classDirectories = classDirectories;
    }

    /**
     * Creates the rule.
     *
     * @param packages application packages whose classes (and subpackages' classes) are readable
     * @param classDirectories class directories whose classes are readable
     * @return the rule
     * @throws IllegalArgumentException for a blank or wildcard package name, or a JDK package; the
     *     message names the option {@code allowedPackages}
     */
    public static AllowedClasses of(List<String> packages, List<Path> classDirectories) {
        List<String> names = new ArrayList<>();
        for (String packageName : Objects.requireNonNull(packages, "packages")) {
            Objects.requireNonNull(packageName, "packageName");
            if (packageName.isBlank() || packageName.endsWith(".") || packageName.contains("*")) {
                throw new IllegalArgumentException(
                        "allowedPackages (" + packageName + ") takes plain package names such as com.example.shop");
            }
            if (isJdkPackage(packageName)) {
                throw new IllegalArgumentException("allowedPackages (" + packageName
                        + ") must name an application package; JDK packages beyond the defaults are never allowed");
            }
            names.add(packageName);
        }
        List<Path> directories = new ArrayList<>();
        for (Path directory : Objects.requireNonNull(classDirectories, "classDirectories")) {
            directories.add(canonical(Objects.requireNonNull(directory, "directory")));
        }
        return new AllowedClasses(List.copyOf(names), List.copyOf(directories));
    }

    /** @return the allowed application packages */
    public List<String> packages() {
        return packages;
    }

    /** @return the allowed class directories, as real paths */
    public List<Path> classDirectories() {
        return classDirectories;
    }

    /**
     * Tells whether a class name is on the gadget deny-list. Denied names are refused before the
     * class is loaded, whatever is allowed.
     *
     * @param className a binary class name (for arrays, the element's)
     * @return whether it is denied
     */
    public static boolean isDenied(String className) {
        return GadgetDenyList.denies(Objects.requireNonNull(className, "className"));
    }

    /**
     * Tells whether a class is readable by its name alone: not denied, and a JDK value class or in
     * an allowed package. A class that is not may still be readable by where it was loaded from.
     *
     * @param className a binary class name (for arrays, the element's)
     * @return whether the name alone admits it
     */
    public boolean allowsName(String className) {
        if (isDenied(className)) {
            return false;
        }
        int dot = className.lastIndexOf('.');
        String packageName = dot < 0 ? "" : className.substring(0, dot);
        return isAllowedByName(className, packageName);
    }

    /**
     * Tells whether a loaded class is readable: primitives, and arrays of readable classes, are.
     *
     * @param type the class
     * @return whether it may be read back
     */
    public boolean allows(Class<?> type) {
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive()) {
            return true;
        }
        String className = type.getName();
        if (isDenied(className)) {
            return false;
        }
        return isAllowedByName(className, type.getPackageName()) || fromClassDirectory.get(type);
    }

    private boolean isAllowedByName(String className, String packageName) {
        if (JDK_LANG.contains(className) || JDK_PACKAGES.contains(packageName)) {
            return true;
        }
        for (String allowed : packages) {
            if (packageName.equals(allowed) || packageName.startsWith(allowed + ".")) {
                return true;
            }
        }
        return false;
    }

    private boolean loadedFromClassDirectory(Class<?> type) {
        if (classDirectories.isEmpty() || isJdkPackage(type.getPackageName())) {
            return false;
        }
        ProtectionDomain domain = type.getProtectionDomain();
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return false;
        }
        try {
            return classDirectories.contains(canonical(Path.of(location.toURI())));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The fix a refusal message of the default codec names for a class that is not readable.
     *
     * @param type the refused class
     * @return a sentence that says how to make it readable, or why it never will be
     */
    public static String howToAllow(Class<?> type) {
        return howToAllow(type, "DefaultAttributeCodec");
    }

    /**
     * The fix a refusal message names for a class that is not readable.
     *
     * @param type the refused class
     * @param codecClass the simple name of the codec class whose builder allows packages
     * @return a sentence that says how to make it readable, or why it never will be
     */
    public static String howToAllow(Class<?> type, String codecClass) {
        String pkg = type.getPackageName();
        if (isDenied(type.getName())) {
            return type.getName() + " is on Lanyard's deserialization gadget deny-list and is never read back, whatever"
                    + " is allowed; store plain data instead";
        }
        if (pkg.isEmpty()) {
            return "classes in the default package cannot be allowed; move " + type.getName() + " into a package";
        }
        if (isJdkPackage(pkg)) {
            return "JDK classes outside java.util, java.time and java.math are never read back; store a plain value instead";
        }
        return "allow its package once: init-param allowedPackages=" + pkg
                + ", or " + codecClass + ".builder().allowedPackages(\"" + pkg + "\")"
                + " (see docs/security.md, \"Attribute classes\")";
    }

    static boolean isJdkPackage(String packageName) {
        return packageName.equals("java")
                || packageName.startsWith("java.")
                || packageName.startsWith("javax.")
                || packageName.startsWith("sun.")
                || packageName.startsWith("jdk.")
                || packageName.startsWith("com.sun.");
    }

    static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }
}
