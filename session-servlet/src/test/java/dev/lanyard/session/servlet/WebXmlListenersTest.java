package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the listener discovery reads from web.xml, and what a hostile descriptor cannot make it do. */
class WebXmlListenersTest {

    private static WebXmlListeners parse(String xml) throws IOException {
        return WebXmlListeners.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void listenerClassesAreReadInDocumentOrderWithOrWithoutTheNamespace() throws IOException {
        WebXmlListeners found = parse("""
        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
          <listener><listener-class> com.example.First </listener-class></listener>
          <servlet><servlet-name>x</servlet-name><servlet-class>com.example.NotAListener</servlet-class></servlet>
          <listener><description>audit</description><listener-class>com.example.Second</listener-class></listener>
          <listener><listener-class></listener-class></listener>
        </web-app>""");
        assertThat(found.classNames()).containsExactly("com.example.First", "com.example.Second");
        assertThat(found.metadataComplete()).isFalse();
        assertThat(parse("<web-app><listener><listener-class>a.B</listener-class></listener></web-app>")
                        .classNames())
                .containsExactly("a.B");
    }

    @Test
    void metadataCompleteIsHonoured() throws IOException {
        assertThat(parse("<web-app metadata-complete=\"true\"/>").metadataComplete())
                .isTrue();
        assertThat(parse("<web-app metadata-complete=\"false\"/>").metadataComplete())
                .isFalse();
    }

    @Test
    void anExternalEntityIsNeverRead(@TempDir Path dir) throws IOException {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "com.example.Leaked");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE web-app [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<web-app><listener><listener-class>&x;</listener-class></listener></web-app>";
        WebXmlListeners found;
        try {
            found = parse(xml);
        } catch (IllegalArgumentException refused) {
            return; // refusing the document outright is as good
        }
        assertThat(found.classNames()).doesNotContain("com.example.Leaked");
    }

    @Test
    void malformedXmlIsAClearError() {
        assertThatThrownBy(() -> parse("<web-app><listener>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not well-formed");
    }
}
