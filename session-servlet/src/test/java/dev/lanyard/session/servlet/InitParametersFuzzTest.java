package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the filter's init-parameter values as {@link LanyardSessionFilter#init} reads them: any
 * values configure the filter or are refused with an {@link IllegalArgumentException} (which
 * {@code init} turns into a {@link ServletException} naming the option), never another exception.
 * The store location and the listener class names are left out: they open connections and load
 * classes, which are not parsing.
 *
 * <p>{@code mvn verify} replays the inputs under {@code InitParametersFuzzTestInputs}; a fuzzing
 * run is described in {@code docs/testing.md}.
 */
class InitParametersFuzzTest {

    private static final Set<String> LEFT_OUT = Set.of("store", "listeners", "containerListeners");
    private static final List<String> NAMES = InitParameters.KNOWN.stream()
            .filter(n -> !LEFT_OUT.contains(n))
            .sorted()
            .toList();

    @FuzzTest
    void anyValuesConfigureTheFilterOrAreRefusedWithTheOptionNamed(FuzzedDataProvider data) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            String name = data.consumeBoolean()
                    ? InitParameters.ROUTE_PREFIX + data.consumeString(12)
                    : data.pickValue(NAMES);
            params.put(name, data.consumeString(40));
        }

        InitParameters.Result result;
        try {
            result = InitParameters.read(config(params));
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        try {
            result.builder().validate();
            assertThat(new FilterSettings(result.builder())).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        } finally {
            result.store().close();
        }
    }

    private static FilterConfig config(Map<String, String> params) {
        List<String> names = new ArrayList<>(params.keySet());
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
                return Collections.enumeration(names);
            }
        };
    }
}
