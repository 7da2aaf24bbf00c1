package dev.lanyard.session.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DockerRedisTest {

    @Test
    void readsThePublishedLoopbackAddress() {
        assertThat(DockerRedis.published("127.0.0.1:49153\n")).containsExactly("127.0.0.1", "49153");
        assertThat(DockerRedis.published("\n[::1]:32768\n0.0.0.0:1")).containsExactly("::1", "32768");
    }

    @Test
    void refusesAnAnswerWithoutAPort() {
        assertThatThrownBy(() -> DockerRedis.published("")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DockerRedis.published("127.0.0.1:")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DockerRedis.published("Error: no public port"))
                .isInstanceOf(IllegalStateException.class);
    }
}
