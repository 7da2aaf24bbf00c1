package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.redis.RedisSessionStore;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} and the code say the same thing. The guide's tables are the
 * source: each row is {@code | `name` | default | `Class.Builder.method` | meaning |}. A new option
 * needs only its row (and, if it has one, a {@code DEFAULT_*} constant named after it); this test
 * then checks, with no list of its own to maintain:
 * <ul>
 *   <li>the init-parameters documented are exactly those the filter accepts, and the route keys
 *       documented exactly those a {@code route:} value accepts;
 *   <li>every builder method the guide names exists, and is spelled as the option is (one word
 *       everywhere), apart from the few documented exceptions below;
 *   <li>a documented default equals the {@code DEFAULT_*} constant named after the option, where
 *       there is one;
 *   <li>every enumeration default is accepted in upper and lower case;
 *   <li>every Redis location option the guides use is one the Redis store accepts, and every
 *       option the store accepts is documented in {@code docs/redis.md}.
 * </ul>
 */
class ConfigurationDocsTest {

    private static final Path DOCS = Path.of("..", "docs");

    /** Builder classes the guide may name, by the name it uses. */
    private static final Map<String, Class<?>> CLASSES = Map.of(
            "SessionManager.Builder", SessionManager.Builder.class,
            "SessionPolicy.Builder", SessionPolicy.Builder.class,
            "SessionLimit", SessionLimit.class,
            "SessionStores", SessionStores.class,
            "CookieSettings.Builder", CookieSettings.Builder.class,
            "LanyardSessionFilter.Builder", LanyardSessionFilter.Builder.class,
            "RoutePolicy.Builder", RoutePolicy.Builder.class,
            "DefaultAttributeCodec.Builder", DefaultAttributeCodec.Builder.class);

    /**
     * Options whose builder equivalent is not a method of the same name, and why. Everything else
     * must be spelled alike.
     */
    private static final Map<String, String> SPELLED_APART = Map.of(
            "store", "a location, opened with SessionStores.open",
            "sessionLimitOverflow", "chooses between the SessionLimit factories",
            "guessingThreshold", "guessingDetection sets the three guessing options together",
            "guessingWindow", "guessingDetection sets the three guessing options together",
            "guessingMaxClients", "guessingDetection sets the three guessing options together",
            "onStepUp", "the StepUpAnswer argument of stepUp",
            "anonymousSessionLimit", "anonymousSessionRate sets the limit and its window together",
            "anonymousSessionWindow", "anonymousSessionRate sets the limit and its window together",
            "csrf route key", "csrf=exempt is csrfExempt()");

    private record Row(String section, String name, String fallback, String builder) {}

    @Test
    void theDocumentedInitParametersAreExactlyThoseTheFilterAccepts() throws Exception {
        Set<String> documented = names(initParameterRows());
        Set<String> known = new TreeSet<>(InitParameters.KNOWN);
        known.add(InitParameters.ROUTE_PREFIX + "<pattern>");
        assertThat(documented).containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void theDocumentedRouteKeysAreExactlyThoseARouteAccepts() throws Exception {
        assertThat(names(routeKeyRows())).containsExactlyInAnyOrderElementsOf(InitParameters.ROUTE_KEYS);
    }

    @Test
    void everyBuilderEquivalentExistsAndIsSpelledAsTheOption() throws Exception {
        List<String> problems = new ArrayList<>();
        List<Row> rows = new ArrayList<>(initParameterRows());
        rows.addAll(routeKeyRows());
        for (Row row : rows) {
            if (row.name().startsWith(InitParameters.ROUTE_PREFIX)) {
                continue;
            }
            Matcher ref =
                    Pattern.compile("`([A-Za-z]+(?:\\.Builder)?)\\.([a-zA-Z]+)").matcher(row.builder());
            if (!ref.find()) {
                if (!row.builder().contains("argument")) {
                    problems.add(row.name() + ": no `Class.method` in the builder column");
                }
                continue;
            }
            Class<?> type = CLASSES.get(ref.group(1));
            if (type == null) {
                problems.add(row.name() + ": unknown class " + ref.group(1));
                continue;
            }
            String method = ref.group(2);
            if (Arrays.stream(type.getMethods()).noneMatch(m -> m.getName().equals(method))) {
                problems.add(row.name() + ": " + ref.group(1) + " has no method " + method);
            }
            if (!spelledAlike(row, type, method)) {
                problems.add(row.name() + ": the builder calls it " + method + " (one option, one word)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDocumentedDefaultWithAConstantMatchesIt() throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Row row : initParameterRows()) {
            Field constant = defaultConstant(row);
            if (constant == null) {
                continue;
            }
            checked++;
            String code = render(constant.get(null));
            String documented = row.fallback().replace("`", "").trim();
            if (!documented.equalsIgnoreCase(code)) {
                problems.add(row.name() + ": the guide says " + documented + ", "
                        + constant.getDeclaringClass().getSimpleName() + "." + constant.getName() + " is " + code);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).as("defaults checked against constants").isGreaterThanOrEqualTo(12);
    }

    @Test
    void enumerationValuesAreAcceptedInAnyCase() throws Exception {
        for (Row row : initParameterRows()) {
            Class<?> type = CLASSES.get(builderClassName(row));
            Method setter = type == null
                    ? null
                    : Arrays.stream(type.getMethods())
                            .filter(m -> m.getName().equals(builderMethod(row))
                                    && m.getParameterCount() == 1
                                    && m.getParameterTypes()[0].isEnum())
                            .findFirst()
                            .orElse(null);
            if (setter == null) {
                continue;
            }
            for (Object constant : setter.getParameterTypes()[0].getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                for (String spelling : List.of(
                        name,
                        name.toLowerCase(Locale.ROOT),
                        name.toLowerCase(Locale.ROOT).replace('_', '-'))) {
                    Map<String, String> params = new LinkedHashMap<>();
                    params.put(row.name(), spelling);
                    if (row.name().equals("cookieSameSite") && name.equals("NONE")) {
                        params.put("cookieSecure", "true");
                    }
                    assertThatCode(() ->
                                    InitParameters.read(config(params)).store().close())
                            .as(row.name() + "=" + spelling)
                            .doesNotThrowAnyException();
                }
            }
        }
    }

    @Test
    void everyRedisLocationOptionTheGuidesUseIsOneTheStoreAcceptsAndEachIsDocumented() throws Exception {
        // the other stores' locations (jdbc:…?password=, memcached://…?) have options of their own
        String configuration = Files.readAllLines(DOCS.resolve("configuration.md")).stream()
                .filter(line -> !line.contains("jdbc:") && !line.contains("memcached://"))
                .collect(Collectors.joining("\n"));
        String redis = Files.readString(DOCS.resolve("redis.md"));
        Set<String> accepted = RedisSessionStore.LOCATION_OPTIONS.stream()
                .map(o -> o.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Matcher used =
                Pattern.compile("redis[a-z-]*://[^\\s`|)]*|[?&]([a-zA-Z]+)=").matcher(configuration + redis);
        Set<String> options = new TreeSet<>();
        while (used.find()) {
            Matcher option = Pattern.compile("[?&]([a-zA-Z]+)=").matcher(used.group());
            while (option.find()) {
                options.add(option.group(1));
            }
        }
        assertThat(options).as("options found in the guides").isNotEmpty();
        for (String option : options) {
            assertThat(accepted)
                    .as("the Redis store accepts ?" + option + "=")
                    .contains(option.toLowerCase(Locale.ROOT));
        }
        for (String option : RedisSessionStore.LOCATION_OPTIONS) {
            if (!option.equals("db") && !option.startsWith("library")) {
                assertThat(redis.contains("`" + option))
                        .as("docs/redis.md documents the location option " + option)
                        .isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ reading the guide

    private static List<Row> initParameterRows() throws Exception {
        return rows(Pattern.compile("\\| parameter \\| default \\| builder equivalent \\|"));
    }

    private static List<Row> routeKeyRows() throws Exception {
        return rows(Pattern.compile("\\| route key \\| example \\| builder \\|"));
    }

    /** The rows of every table whose header matches. */
    private static List<Row> rows(Pattern header) throws Exception {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        String section = "";
        for (String line : Files.readAllLines(DOCS.resolve("configuration.md"))) {
            if (line.startsWith("#")) {
                section = line;
            }
            if (header.matcher(line).find()) {
                inTable = true;
                continue;
            }
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            if (!inTable || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.split("(?<!\\\\)\\|", -1);
            Matcher name = Pattern.compile("^\\s*`([^`]+)`").matcher(cells[1]);
            if (name.find()) {
                rows.add(new Row(section, name.group(1), cells[2].trim(), cells[3].trim()));
            }
        }
        assertThat(rows).as("rows of " + header).isNotEmpty();
        return rows;
    }

    private static Set<String> names(List<Row> rows) {
        return rows.stream().map(Row::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String builderClassName(Row row) {
        Matcher ref =
                Pattern.compile("`([A-Za-z]+(?:\\.Builder)?)\\.([a-zA-Z]+)").matcher(row.builder());
        return ref.find() ? ref.group(1) : "";
    }

    private static String builderMethod(Row row) {
        Matcher ref =
                Pattern.compile("`([A-Za-z]+(?:\\.Builder)?)\\.([a-zA-Z]+)").matcher(row.builder());
        return ref.find() ? ref.group(2) : "";
    }

    /** The option's word, as the builder of its class spells it: {@code cookieName} is a cookie's {@code name}. */
    private static String expectedMethod(Row row, Class<?> type) {
        String name = row.name();
        if (type == CookieSettings.Builder.class && name.startsWith("cookie")) {
            return Character.toLowerCase(name.charAt(6)) + name.substring(7);
        }
        return name;
    }

    private static boolean spelledAlike(Row row, Class<?> type, String method) {
        String expected = expectedMethod(row, type);
        if (method.equals(expected)) {
            return true;
        }
        if (expected.endsWith("s") && method.equals(expected.substring(0, expected.length() - 1))) {
            return true; // a list option: the builder adds one at a time (listeners -> listener)
        }
        if (row.name().equals("csrf") && method.equals("csrfExempt")) {
            return SPELLED_APART.containsKey("csrf route key");
        }
        return SPELLED_APART.containsKey(row.name());
    }

    /** {@code DEFAULT_<OPTION>} on the class that owns the option's builder, if there is one. */
    private static Field defaultConstant(Row row) {
        Class<?> type = CLASSES.get(builderClassName(row));
        if (type == null) {
            return null;
        }
        Class<?> owner = type.getEnclosingClass() != null ? type.getEnclosingClass() : type;
        String word = expectedMethod(row, type);
        String constant =
                "DEFAULT_" + word.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        try {
            Field field = owner.getField(constant);
            return Modifier.isStatic(field.getModifiers()) ? field : null;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static String render(Object value) {
        if (value instanceof Duration d) {
            return d.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof SessionLimit limit) {
            return limit.maxSessions()
                    + (limit.overflow() == OverflowRule.EVICT_LEAST_RECENTLY_USED ? " (evicting)" : "");
        }
        return String.valueOf(value);
    }

    private static FilterConfig config(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "lanyard";
            }

            @Override
            public ServletContext getServletContext() {
                return null;
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
