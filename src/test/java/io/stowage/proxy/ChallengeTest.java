package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void readsDockerHubsBearerChallenge() {
        Challenge challenge = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\","
                + "service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\"");
        assertThat(challenge.bearer()).isTrue();
        assertThat(challenge.parameter("realm")).isEqualTo("https://auth.docker.io/token");
        assertThat(challenge.parameter("service")).isEqualTo("registry.docker.io");
        assertThat(challenge.parameter("scope")).isEqualTo("repository:library/nginx:pull");
    }

    @Test
    void readsBasicChallengesUnquotedValuesEscapesAndOddCase() {
        assertThat(Challenge.parse("Basic realm=\"Registry Realm\"").basic()).isTrue();
        Challenge odd = Challenge.parse("BEARER Realm=https://a.example/t , error=\"insufficient_scope\", "
                + "scope=\"repository:a:pull,push\", note=\"say \\\"hi\\\"\"");
        assertThat(odd.bearer()).isTrue();
        assertThat(odd.parameter("realm")).isEqualTo("https://a.example/t");
        assertThat(odd.parameter("error")).isEqualTo("insufficient_scope");
        assertThat(odd.parameter("scope")).isEqualTo("repository:a:pull,push");
        assertThat(odd.parameter("note")).isEqualTo("say \"hi\"");
    }

    @Test
    void nothingUsableIsNoChallenge() {
        assertThat(Challenge.parse(null).scheme()).isEmpty();
        assertThat(Challenge.parse("").scheme()).isEmpty();
        assertThat(Challenge.parse("Bearer").parameters()).isEmpty();
        assertThat(Challenge.parse("Bearer realm=\"unterminated").parameter("realm")).isEqualTo("unterminated");
    }
}
