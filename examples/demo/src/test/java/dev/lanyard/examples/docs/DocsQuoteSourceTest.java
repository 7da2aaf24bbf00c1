package dev.lanyard.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the guides honest: every code block in {@code docs/*.md} that is introduced by
 * {@code <!-- snippet: path#name -->} must equal the region between {@code [name-start]} and
 * {@code [name-end]} of that file (compiled and tested here), indentation aside.
 */
class DocsQuoteSourceTest {

    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: ([^#\\s]+)#([\\w-]+) -->\\n```\\w*\\n(.*?)```", Pattern.DOTALL);
    private static final Path ROOT =
            Path.of("").toAbsolutePath().resolve("../..").normalize();

    @Test
    void everyQuotedSampleMatchesItsSourceFile() throws IOException {
        List<String> checked = new ArrayList<>();
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            for (Path doc :
                    docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = SNIPPET.matcher(Files.readString(doc));
                while (m.find()) {
                    String where = ROOT.relativize(doc) + " quoting " + m.group(1) + "#" + m.group(2);
                    assertThat(normalize(m.group(3))).as(where).isEqualTo(normalize(region(m.group(1), m.group(2))));
                    checked.add(where);
                }
            }
        }
        assertThat(checked).as("quoted samples").hasSizeGreaterThanOrEqualTo(6);
    }

    private static String region(String file, String name) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(file));
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("[" + name + "-start]")) {
                start = i;
            } else if (lines.get(i).contains("[" + name + "-end]")) {
                end = i;
            }
        }
        assertThat(start).as("[%s-start] in %s", name, file).isNotNegative();
        assertThat(end).as("[%s-end] in %s", name, file).isGreaterThan(start);
        return String.join("\n", lines.subList(start + 1, end));
    }

    /** Drops leading indentation and blank edges, so a quote may be dedented. */
    private static String normalize(String code) {
        return code.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
    }
}
