package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import io.stowage.RegistryTestBase;
import io.stowage.accounts.Actions;
import io.stowage.accounts.Grant;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.accounts.RobotAccounts;
import io.stowage.accounts.Users;
import io.stowage.config.StowageProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The two attacks of finding 4 over real HTTP, each from addresses of its own: behind a trusted proxy (the test, on
 * loopback) the client's address is its {@code X-Forwarded-For}, as it is behind a real one. The context is
 * {@link AuthCachesIT}'s, so that the two start one application between them.
 */
@TokenAuth
@TestPropertySource(properties = {"server.forward-headers-strategy=native",
        "stowage.auth.cache.tokens=1000", "stowage.auth.cache.sign-ins=1000", "stowage.auth.cache.identities=1000"})
class LoginThrottleIT extends RegistryTestBase {

    @Autowired
    private LoginThrottle throttle;
    @Autowired
    private Users users;
    @Autowired
    private RobotAccounts robots;
    @Autowired
    private StowageProperties properties;

    private final List<String> addressesUsed = new ArrayList<>();

    @AfterEach
    void forgetTheAttackers() {
        addressesUsed.forEach(throttle::forgetAddress);
        List.of("127.0.0.1", "0:0:0:0:0:0:0:1").forEach(throttle::forgetAddress);
    }

    /** 4a: wrong passwords for the administrator from one address used to lock the administrator out everywhere. */
    @Test
    void nobodyCanLockTheAdministratorOut() throws Exception {
        String attacker = address("192.0.2.66");
        int free = properties.auth().loginBackoff().freeAttempts();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < free + 10; i++) {
            statuses.add(token(TokenAuth.ADMIN, "guess-" + i, attacker).statusCode());
        }
        assertThat(statuses.subList(0, free)).containsOnly(401);
        assertThat(statuses.subList(free, statuses.size())).as("the attacker is paused").containsOnly(429);
        // Make the attacker's pause outlast this test, whatever the machine's speed (the first is a second).
        for (int i = 0; i < 5; i++) {
            throttle.failed(TokenAuth.ADMIN, attacker);
        }

        assertThat(token(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD, null).statusCode())
                .as("the administrator, from this machine").isEqualTo(200);
        assertThat(token(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD, address("198.51.100.1")).statusCode())
                .as("the administrator, from another address").isEqualTo(200);
        assertThat(token(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD, attacker).statusCode())
                .as("the right password from the guessing address still waits").isEqualTo(429);
    }

    /** A guess spread over many addresses: each that failed waits; one that never failed signs in at once. */
    @Test
    void aGuessFromManyAddressesPausesThemButNotTheOwner() throws Exception {
        String user = "many" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(users.create(user, "the-password", false)).isTrue();
        int ceiling = properties.auth().loginBackoff().accountFreeAttempts();
        for (int i = 0; i < ceiling; i++) {
            assertThat(token(user, "guess-" + i, address("203.0.113." + i)).statusCode()).isEqualTo(401);
        }
        assertThat(token(user, "guess-again", address("203.0.113.1")).statusCode())
                .as("an address that failed for the account").isEqualTo(429);
        assertThat(token(user, "the-password", address("203.0.113.250")).statusCode())
                .as("the owner, from an address that never failed").isEqualTo(200);
    }

    /** 4b: a valid sign-in between guesses used to forgive the address all of them: spraying went on for ever. */
    @Test
    void sprayingManyAccountsIsPausedDespiteValidSignInsInBetween() throws Exception {
        String sprayer = address("192.0.2.77");
        int allowed = properties.auth().loginBackoff().addressFreeAttempts();
        List<Integer> guesses = new ArrayList<>();
        for (int i = 0; i < allowed + 5; i++) {
            guesses.add(token("victim" + i + "x" + UUID.randomUUID().toString().substring(0, 4), "Spring2026!",
                    sprayer).statusCode());
            // The sprayer's own robot, a new one each time so that no remembered sign-in hides the success.
            RobotAccounts.CreatedRobot own = robot();
            int signedIn = token(own.username(), own.secret(), sprayer).statusCode();
            assertThat(signedIn).as("the sprayer's own sign-in %d", i).isIn(200, 429);
        }
        assertThat(guesses.subList(0, allowed)).containsOnly(401);
        assertThat(guesses.subList(allowed, guesses.size())).as("spraying is paused").containsOnly(429);

        RobotAccounts.CreatedRobot own = robot();
        assertThat(token(own.username(), own.secret(), sprayer).statusCode())
                .as("the address waits, whichever account it tries").isEqualTo(429);
        assertThat(token(own.username(), own.secret(), null).statusCode()).as("from elsewhere").isEqualTo(200);
    }

    private String address(String address) {
        addressesUsed.add(address);
        return address;
    }

    private RobotAccounts.CreatedRobot robot() {
        String name = "spray-" + UUID.randomUUID().toString().substring(0, 8);
        return robots.create(name, "throttle test", List.of(new Grant(RepositoryPattern.of("spray/*"),
                Set.of(Actions.PULL))), null, "test").orElseThrow();
    }

    /** {@code POST /auth/token} with the password grant, from {@code forwardedFor} (this machine when null). */
    private HttpResponse<String> token(String username, String password, String forwardedFor) throws Exception {
        String form = "grant_type=password&service=stowage&username=" + encode(username) + "&password="
                + encode(password);
        HttpRequest.Builder request = request("/auth/token").header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return send(request.build());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
