package io.stowage.auth;

import static io.stowage.distribution.RegistryClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.stowage.RegistryTestBase;
import io.stowage.accounts.AccountsChanged;
import io.stowage.accounts.Actions;
import io.stowage.accounts.AuditLog;
import io.stowage.accounts.Grant;
import io.stowage.accounts.Identity;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.accounts.RobotAccounts;
import io.stowage.accounts.Users;
import io.stowage.config.StowageProperties;
import io.stowage.distribution.RegistryClient;
import io.stowage.metadata.AuditEvent;
import io.stowage.metadata.AuditRecords;
import io.stowage.metadata.RepositoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Access control over real HTTP, as clients meet it: the challenges /v2/ answers, which tokens it takes and which it
 * refuses, what a caller may see of other users' content, long pushes across token expiry, brute-force backoff,
 * refresh tokens, and the audit trail of pushes and deletes.
 */
@TokenAuth
class AuthorizationIT extends RegistryTestBase {

    /** The addresses this test's requests come from, whose sign-in failures the login throttle counts. */
    private static final List<String> LOCAL_ADDRESSES = List.of("127.0.0.1", "0:0:0:0:0:0:0:1");

    @Autowired
    private Users users;
    @Autowired
    private RobotAccounts robots;
    @Autowired
    private RepositoryRecords repositories;
    @Autowired
    private AuditRecords audit;
    @Autowired
    private SigningKeys signingKeys;
    @Autowired
    private TokenIssuer tokenIssuer;
    @Autowired
    private TokenVerifier verifier;
    @Autowired
    private LoginThrottle throttle;
    @Autowired
    private ApplicationEventPublisher events;
    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private StowageProperties properties;

    /**
     * Failed sign-ins of this class (and of classes before it, in the shared context) must not pause sign-ins from
     * this machine for the tests that follow: the per-address count is shared by every test.
     */
    @BeforeEach
    @AfterEach
    void forgetFailuresOfThisMachine() {
        LOCAL_ADDRESSES.forEach(throttle::forgetAddress);
    }

    // ------------------------------------------------------------------ challenges

    @Test
    void unauthenticatedRequestsAreChallengedWithTheScopeTheyNeed() throws Exception {
        RegistryClient anonymous = client(null);
        String repository = newUser() + "/app";
        String digest = RegistryClient.unknownDigest();

        HttpResponse<String> root = anonymous.get("/v2/");
        assertThat(root.statusCode()).isEqualTo(401);
        assertThat(root.headers().allValues("WWW-Authenticate"))
                .containsExactly("Bearer realm=\"http://localhost:" + port + "/auth/token\",service=\"stowage\"");
        assertError(root, 401, "UNAUTHORIZED");

        assertChallenge(anonymous.get("/v2/" + repository + "/manifests/latest"), "repository:" + repository + ":pull", null);
        assertChallenge(anonymous.head("/v2/" + repository + "/manifests/latest"), "repository:" + repository + ":pull", null);
        assertChallenge(anonymous.get("/v2/" + repository + "/blobs/" + digest), "repository:" + repository + ":pull", null);
        assertChallenge(anonymous.head("/v2/" + repository + "/blobs/" + digest), "repository:" + repository + ":pull", null);
        assertChallenge(anonymous.get("/v2/" + repository + "/tags/list"), "repository:" + repository + ":pull", null);
        assertChallenge(anonymous.get("/v2/" + repository + "/referrers/" + digest), "repository:" + repository + ":pull", null);

        String push = "repository:" + repository + ":pull,push";
        assertChallenge(anonymous.method("POST", "/v2/" + repository + "/blobs/uploads/", null), push, null);
        String upload = "/v2/" + repository + "/blobs/uploads/" + UUID.randomUUID();
        assertChallenge(anonymous.method("PATCH", upload, new byte[10]), push, null);
        assertChallenge(anonymous.method("PUT", upload + "?digest=" + digest, null), push, null);
        assertChallenge(anonymous.get(upload), push, null);
        assertChallenge(anonymous.delete(upload), push, null);
        assertChallenge(anonymous.method("PUT", "/v2/" + repository + "/manifests/v1", new byte[2],
                "Content-Type", RegistryClient.OCI_MANIFEST), push, null);
        assertChallenge(anonymous.method("POST", "/v2/" + repository + "/blobs/uploads/?mount=" + digest
                + "&from=library/base", null), push + " repository:library/base:pull", null);

        assertChallenge(anonymous.delete("/v2/" + repository + "/manifests/" + digest), "repository:" + repository + ":delete", null);
        assertChallenge(anonymous.delete("/v2/" + repository + "/blobs/" + digest), "repository:" + repository + ":delete", null);
        assertChallenge(anonymous.get("/v2/_catalog"), "registry:catalog:*", null);
    }

    @Test
    void anyValidTokenOpensTheBaseEndpoint() throws Exception {
        assertThat(client(bearer(token(null, null))).get("/v2/").statusCode()).isEqualTo(200);
        String user = newUser();
        assertThat(client(bearer(token(user, password(user)))).get("/v2/").statusCode()).isEqualTo(200);
        assertThat(client(basic(user, password(user))).get("/v2/").statusCode()).isEqualTo(200);
        assertThat(client(bearer(token(user, password(user)) + "x")).get("/v2/").statusCode()).isEqualTo(401);
    }

    @Test
    void tokenWithoutTheScopeIsAskedForABetterOneAndOthersPrivateRepositoriesAreDenied() throws Exception {
        String alice = newUser();
        String bob = newUser();
        String repository = alice + "/private";
        client(bearer(token(alice, password(alice), "repository:" + repository + ":pull,push")))
                .pushImage(repository, "v1");

        // Alice's pull-only token: pushing needs a new token, which she may get.
        RegistryClient pullOnly = client(bearer(token(alice, password(alice), "repository:" + repository + ":pull")));
        assertThat(pullOnly.get("/v2/" + repository + "/tags/list").statusCode()).isEqualTo(200);
        assertChallenge(pullOnly.method("POST", "/v2/" + repository + "/blobs/uploads/", null),
                "repository:" + repository + ":pull,push", "insufficient_scope");
        // An anonymous token for a private repository: signing in might help.
        assertChallenge(client(bearer(token(null, null, "repository:" + repository + ":pull")))
                .get("/v2/" + repository + "/tags/list"), "repository:" + repository + ":pull", "insufficient_scope");

        // Bob asks, gets a token granting nothing there, and is refused: no token would help him.
        String bobsToken = token(bob, password(bob), "repository:" + repository + ":pull,push");
        assertThat(verifier.verify(bobsToken).access())
                .containsExactly(new Access("repository", repository, List.of()));
        RegistryClient asBob = client(bearer(bobsToken));
        assertError(asBob.get("/v2/" + repository + "/manifests/v1"), 403, "DENIED");
        assertThat(asBob.head("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(403);
        assertError(asBob.method("POST", "/v2/" + repository + "/blobs/uploads/", null), 403, "DENIED");
        assertError(asBob.delete("/v2/" + repository + "/manifests/v1"), 403, "DENIED");
    }

    @Test
    void basicCredentialsOnV2WorkForWhatTheRulesAllow() throws Exception {
        String alice = newUser();
        String bob = newUser();
        String repository = alice + "/basic";
        RegistryClient asAlice = client(basic(alice, password(alice)));
        RegistryClient.Blob blob = asAlice.pushRandomBlob(repository, 2048);
        HttpResponse<byte[]> pulled = asAlice.getBytes("/v2/" + repository + "/blobs/" + blob.digest());
        assertThat(pulled.statusCode()).isEqualTo(200);
        assertThat(pulled.body()).isEqualTo(blob.content());

        assertError(client(basic(bob, password(bob))).get("/v2/" + repository + "/blobs/" + blob.digest()), 403, "DENIED");
        HttpResponse<String> wrong = client(basic(alice, "wrong")).get("/v2/" + repository + "/blobs/" + blob.digest());
        assertError(wrong, 401, "UNAUTHORIZED");
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer realm=").contains("scope=\"repository:" + repository + ":pull\""));
        assertThat(wrong.body()).doesNotContain("wrong");

        // A robot signs in with its secret, within its permissions only.
        String name = "ci-" + UUID.randomUUID().toString().substring(0, 8);
        RobotAccounts.CreatedRobot robot = robots.create(name, "tests", List.of(new Grant(
                RepositoryPattern.of("robots/" + name + "/*"), Set.of(Actions.PULL, Actions.PUSH))), null, "test")
                .orElseThrow();
        RegistryClient asRobot = client(basic(robot.username(), robot.secret()));
        asRobot.pushRandomBlob("robots/" + name + "/app", 100);
        assertError(asRobot.method("POST", "/v2/" + repository + "/blobs/uploads/", null), 403, "DENIED");
    }

    // ------------------------------------------------------------------ tokens that must not work

    @Test
    void wrongPasswordGetsNoToken() throws Exception {
        String user = newUser();
        HttpResponse<String> response = tokenResponse(user, "not-" + password(user));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("token\"");
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String user = newUser();
        String repository = user + "/expired";
        String blob = pushBlob(user, repository);
        Identity identity = Identity.user(user, false, List.of());
        List<Access> access = List.of(new Access("repository", repository, List.of("pull", "push")));
        TokenIssuer yesterday = new TokenIssuer(signingKeys, properties.auth().issuer(), Duration.ofMinutes(5),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(-1)));
        RegistryClient expired = client(bearer(yesterday.issue(identity, "stowage", access).token()));
        assertChallenge(expired.get(blob), "repository:" + repository + ":pull", "invalid_token");
        // The control: the same grant, issued now, works.
        assertThat(client(bearer(tokenIssuer.issue(identity, "stowage", access).token())).get(blob).statusCode())
                .isEqualTo(200);
    }

    @Test
    void tokenSignedByAnotherKeyIsRefused() throws Exception {
        String user = newUser();
        String repository = user + "/forged";
        String valid = token(user, password(user), "repository:" + repository + ":pull,push");
        assertThat(client(bearer(valid)).method("POST", "/v2/" + repository + "/blobs/uploads/", null).statusCode())
                .isEqualTo(202);

        SignedJWT original = SignedJWT.parse(valid);
        String kid = original.getHeader().getKeyID();
        for (String forgedKid : List.of(kid, "some-other-kid")) {
            ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(forgedKid).generate();
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(forgedKid).build(),
                    original.getJWTClaimsSet());
            forged.sign(new ECDSASigner(stranger));
            assertChallenge(client(bearer(forged.serialize())).method("POST", "/v2/" + repository + "/blobs/uploads/",
                    null), "repository:" + repository + ":pull,push", "invalid_token");
        }
    }

    @Test
    void alteredClaimsAreRefused() throws Exception {
        String alice = newUser();
        String bob = newUser();
        String repository = bob + "/target";
        client(basic(bob, password(bob))).pushImage(repository, "v1");
        String valid = token(alice, password(alice), "repository:" + alice + "/app:pull");
        String[] parts = valid.split("\\.");
        ObjectNode claims = (ObjectNode) RegistryClient.json(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));

        ObjectNode moreAccess = claims.deepCopy();
        moreAccess.set("access", RegistryClient.JSON.valueToTree(List.of(Map.of("type", "repository",
                "name", repository, "actions", List.of("pull", "push", "delete")))));
        ObjectNode asAdmin = claims.deepCopy();
        asAdmin.put("sub", TokenAuth.ADMIN);
        ObjectNode longer = claims.deepCopy();
        longer.put("exp", claims.get("exp").asLong() + 86_400);
        for (ObjectNode altered : List.of(moreAccess, asAdmin, longer)) {
            String token = parts[0] + "." + Base64URL.encode(altered.toString()) + "." + parts[2];
            assertChallenge(client(bearer(token)).get("/v2/" + repository + "/manifests/v1"),
                    "repository:" + repository + ":pull", "invalid_token");
        }
    }

    @Test
    void tokenForAnotherServiceIsRefused() throws Exception {
        String user = newUser();
        String repository = user + "/aud";
        String blob = pushBlob(user, repository);
        List<Access> access = List.of(new Access("repository", repository, List.of("pull")));
        Identity identity = Identity.user(user, false, List.of());
        String elsewhere = tokenIssuer.issue(identity, "another-registry", access).token();
        assertChallenge(client(bearer(elsewhere)).get(blob), "repository:" + repository + ":pull", "invalid_token");
        assertThat(client(bearer(tokenIssuer.issue(identity, "stowage", access).token())).get(blob).statusCode())
                .isEqualTo(200);
        // The token endpoint does not sign for other services either.
        assertThat(send(request("/auth/token?service=another-registry").GET()).statusCode()).isEqualTo(400);
    }

    @Test
    void unsignedAndHmacTokensAreRefused() throws Exception {
        String user = newUser();
        String repository = user + "/alg";
        String blob = pushBlob(user, repository);
        String valid = token(user, password(user), "repository:" + repository + ":pull");
        assertThat(client(bearer(valid)).get(blob).statusCode()).isEqualTo(200);
        String[] parts = valid.split("\\.");
        SignedJWT original = SignedJWT.parse(valid);
        String kid = original.getHeader().getKeyID();

        List<String> forged = new ArrayList<>();
        for (String header : List.of("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}")) {
            forged.add(Base64URL.encode(header) + "." + parts[1] + ".");
            forged.add(Base64URL.encode(header) + "." + parts[1] + "." + parts[2]);
        }
        // HS256 with the published public key as the shared secret, in the forms an attacker would try.
        JWKSet published = JWKSet.parse(send(request("/auth/jwks.json").GET()).body());
        JWK key = published.getKeyByKeyId(kid);
        assertThat(key).as("the signing key is published").isNotNull();
        for (byte[] secret : List.of(key.toJSONString().getBytes(StandardCharsets.UTF_8),
                key.toECKey().toECPublicKey().getEncoded(),
                published.toString().getBytes(StandardCharsets.UTF_8))) {
            SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
                    original.getJWTClaimsSet());
            hmac.sign(new MACSigner(secret));
            forged.add(hmac.serialize());
        }
        for (String token : forged) {
            assertChallenge(client(bearer(token)).get(blob), "repository:" + repository + ":pull", "invalid_token");
        }
    }

    @Test
    void askingForSomeoneElsesRepositoryGrantsNothingAndThePushIsRefused() throws Exception {
        String alice = newUser();
        String bob = newUser();
        String repository = bob + "/app";
        String token = token(alice, password(alice), "repository:" + repository + ":pull,push,delete",
                "repository:" + repository + ":*");
        assertThat(verifier.verify(token).access()).allSatisfy(access -> assertThat(access.actions()).isEmpty());
        RegistryClient asAlice = client(bearer(token));
        assertError(asAlice.method("POST", "/v2/" + repository + "/blobs/uploads/?digest="
                + RegistryClient.sha256(new byte[] {1}), new byte[] {1}), 403, "DENIED");
        assertThat(repositories.findId(repository)).as("nothing was created").isEmpty();
    }

    // ------------------------------------------------------------------ content across repositories

    @Test
    void privateBlobIsNotReachableThroughOtherRepositories() throws Exception {
        String a = newUser();
        String b = newUser();
        String secret = a + "/secret";
        String pub = b + "/pub";
        RegistryClient asA = client(bearer(token(a, password(a), "repository:" + secret + ":pull,push",
                "repository:" + a + "/other:pull,push", "repository:" + a + "/third:pull,push")));
        RegistryClient.Blob x = asA.pushRandomBlob(secret, 4096);
        asA.pushImage(secret, "v1"); // so that the catalog has it to list (or not)
        RegistryClient asB = client(bearer(token(b, password(b), "repository:" + pub + ":pull,push",
                "repository:" + b + "/app:pull,push", "repository:" + secret + ":pull", "registry:catalog:*")));
        asB.pushImage(pub, "v1");
        repositories.update(pub, "public", null);

        RegistryClient anonymous = client(null);
        assertThat(anonymous.get("/v2/" + pub + "/manifests/v1").statusCode()).as("public pull").isEqualTo(200);
        assertError(anonymous.get("/v2/" + pub + "/blobs/" + x.digest()), 404, "BLOB_UNKNOWN");
        assertThat(anonymous.head("/v2/" + pub + "/blobs/" + x.digest()).statusCode()).isEqualTo(404);
        assertError(asB.get("/v2/" + pub + "/blobs/" + x.digest()), 404, "BLOB_UNKNOWN");
        assertError(asB.get("/v2/" + secret + "/blobs/" + x.digest()), 403, "DENIED");

        // B cannot mount what he may not pull: the mount becomes a fresh upload.
        String app = b + "/app";
        HttpResponse<String> mount = asB.method("POST", "/v2/" + app + "/blobs/uploads/?mount=" + x.digest()
                + "&from=" + secret, null);
        assertThat(mount.statusCode()).as(mount.body()).isEqualTo(202);
        assertThat(mount.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).contains("/blobs/uploads/"));
        HttpResponse<String> autoMount = asB.method("POST", "/v2/" + app + "/blobs/uploads/?mount=" + x.digest(), null);
        assertThat(autoMount.statusCode()).as(autoMount.body()).isEqualTo(202);
        assertError(asB.get("/v2/" + app + "/blobs/" + x.digest()), 404, "BLOB_UNKNOWN");
        // The control: A, who may pull it, mounts it both ways.
        assertThat(asA.method("POST", "/v2/" + a + "/other/blobs/uploads/?mount=" + x.digest() + "&from=" + secret,
                null).statusCode()).isEqualTo(201);
        assertThat(asA.method("POST", "/v2/" + a + "/third/blobs/uploads/?mount=" + x.digest(), null).statusCode())
                .isEqualTo(201);

        assertThat(catalog(asB)).contains(pub).doesNotContain(secret);
        RegistryClient anonymousCatalog = client(bearer(token(null, null, "registry:catalog:*")));
        assertThat(catalog(anonymousCatalog)).contains(pub).doesNotContain(secret);
        RegistryClient admin = client(bearer(token(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD, "registry:catalog:*")));
        assertThat(catalog(admin)).contains(pub, secret);
    }

    // ------------------------------------------------------------------ long pushes

    @Test
    void chunkedUploadOutlivesItsTokenAndContinuesWithANewOne() throws Exception {
        String user = newUser();
        String repository = user + "/long";
        byte[] content = RegistryClient.randomBytes(96 * 1024);
        String digest = RegistryClient.sha256(content);
        // T1 is issued 26 s in the past and lives 1 s: with the verifier's allowance for clock skew it works for a few
        // seconds more, long enough to start the upload and send a chunk.
        TokenIssuer shortLived = new TokenIssuer(signingKeys, properties.auth().issuer(), Duration.ofSeconds(1),
                Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-26)));
        IssuedToken t1 = shortLived.issue(Identity.user(user, false, List.of()), "stowage",
                List.of(new Access("repository", repository, List.of("pull", "push"))));
        RegistryClient withT1 = client(bearer(t1.token()));
        String location = withT1.startUpload(repository);
        HttpResponse<String> first = withT1.send(withT1.requestLocation(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 0, 32 * 1024))
                .header("Content-Range", "0-" + (32 * 1024 - 1)).build());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        location = first.headers().firstValue("Location").orElse(location);

        Instant expired = t1.issuedAt().plus(t1.expiresIn()).plus(TokenVerifier.CLOCK_SKEW).plusSeconds(1);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), expired).toMillis()));
        HttpResponse<String> refused = withT1.send(withT1.requestLocation(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 32 * 1024, 32 * 1024))
                .header("Content-Range", 32 * 1024 + "-" + (64 * 1024 - 1)).build());
        assertChallenge(refused, "repository:" + repository + ":pull,push", "invalid_token");

        RegistryClient withT2 = client(bearer(token(user, password(user), "repository:" + repository + ":pull,push")));
        HttpResponse<String> status = withT2.send(withT2.requestLocation(location).GET().build());
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).as("the refused chunk was not taken").hasValue("0-32767");
        HttpResponse<String> second = withT2.send(withT2.requestLocation(location)
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 32 * 1024, 32 * 1024))
                .header("Content-Range", 32 * 1024 + "-" + (64 * 1024 - 1)).build());
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        location = second.headers().firstValue("Location").orElse(location);
        HttpResponse<String> done = withT2.send(withT2.requestLocation(
                        RegistryClient.withQuery(location, "digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content, 64 * 1024, 32 * 1024)).build());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        assertThat(done.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(withT2.getBytes("/v2/" + repository + "/blobs/" + digest).body()).isEqualTo(content);
    }

    // ------------------------------------------------------------------ brute force

    @Test
    void repeatedWrongPasswordsArePausedAtTheTokenEndpointAndOnV2() throws Exception {
        String user = newUser();
        int free = properties.auth().loginBackoff().freeAttempts();
        try {
            for (int i = 0; i < free; i++) {
                assertThat(tokenResponse(user, "guess-" + i).statusCode()).as("attempt %d", i + 1).isEqualTo(401);
            }
            // Make the pause outlast this test, whatever the machine's speed.
            for (int i = 0; i < 5; i++) {
                LOCAL_ADDRESSES.forEach(address -> throttle.failed(user, address));
            }
            HttpResponse<String> paused = tokenResponse(user, "guess-more");
            assertThat(paused.statusCode()).isEqualTo(429);
            assertThat(paused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Long.parseLong(seconds)).isPositive());
            // The right password waits too, from the address that guessed: otherwise guessing would simply go on.
            assertThat(tokenResponse(user, password(user)).statusCode()).isEqualTo(429);
            HttpResponse<String> onV2 = client(basic(user, "guess-v2")).get("/v2/" + user + "/app/tags/list");
            assertError(onV2, 429, "TOOMANYREQUESTS");
            assertThat(onV2.headers().firstValue("Retry-After")).isPresent();
        } finally {
            LOCAL_ADDRESSES.forEach(throttle::forgetAddress);
        }
        assertThat(tokenResponse(user, password(user)).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ refresh tokens, disabled accounts

    @Test
    void refreshTokensWorkUntilExpiredOrTheAccountIsDisabled() throws Exception {
        String user = newUser();
        String scope = "repository:" + user + "/app:pull";
        HttpResponse<String> offline = send(request("/auth/token?service=stowage&offline_token=true&client_id=it")
                .header("Authorization", basic(user, password(user))).GET());
        assertThat(offline.statusCode()).isEqualTo(200);
        String refresh = RegistryClient.json(offline.body()).get("refresh_token").asString();

        HttpResponse<String> refreshed = refresh(refresh, scope);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(verifier.verify(RegistryClient.json(refreshed.body()).get("token").asString()).access())
                .containsExactly(new Access("repository", user + "/app", List.of("pull")));

        jdbc.sql("update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = ?")
                .param(sha256(refresh)).update();
        assertThat(refresh(refresh, scope).statusCode()).isEqualTo(401);

        HttpResponse<String> password = post("grant_type", "password", "username", user, "password", password(user),
                "service", "stowage", "access_type", "offline", "scope", scope);
        String second = RegistryClient.json(password.body()).get("refresh_token").asString();
        assertThat(refresh(second, scope).statusCode()).isEqualTo(200);
        disable(user);
        HttpResponse<String> disabled = refresh(second, scope);
        assertThat(disabled.statusCode()).isEqualTo(401);
        assertThat(RegistryClient.json(disabled.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    /** A token outlives nothing: once its account is disabled, /v2/ refuses it (it used to work until it expired). */
    @Test
    void disabledAccountsTokensStopWorking() throws Exception {
        String user = newUser();
        String repository = user + "/app";
        RegistryClient withToken = client(bearer(token(user, password(user), "repository:" + repository + ":pull,push")));
        withToken.pushRandomBlob(repository, 10);
        disable(user);
        assertChallenge(withToken.get("/v2/" + repository + "/tags/list"), "repository:" + repository + ":pull",
                "invalid_token");
        assertThat(withToken.get("/v2/").statusCode()).isEqualTo(401);
        assertThat(tokenResponse(user, password(user)).statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ audit

    @Test
    void pushesAndDeletesAreAuditedWithWhoAndFromWhere() throws Exception {
        String user = newUser();
        String repository = user + "/audited";
        String token = token(user, password(user), "repository:" + repository + ":pull,push,delete");
        RegistryClient client = client(bearer(token));
        RegistryClient.Manifest manifest = client.pushImage(repository, "v1");
        client.pushManifest(repository, manifest.digest(), manifest.mediaType(), manifest.bytes());
        RegistryClient.Blob loose = client.pushRandomBlob(repository, 100);
        assertThat(client.delete("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(202);
        assertThat(client.delete("/v2/" + repository + "/manifests/" + manifest.digest()).statusCode()).isEqualTo(202);
        assertThat(client.delete("/v2/" + repository + "/blobs/" + loose.digest()).statusCode()).isEqualTo(202);
        // Refused and failed requests change nothing and are not recorded as changes.
        assertThat(client.delete("/v2/" + repository + "/manifests/v1").statusCode()).isEqualTo(404);

        List<AuditEvent> events = audit.list(null, user, null, 10);
        assertThat(events).extracting(AuditEvent::action, AuditEvent::target, AuditEvent::detail).containsExactly(
                tuple(AuditLog.BLOB_DELETE, repository + "@" + loose.digest(), null),
                tuple(AuditLog.MANIFEST_DELETE, repository + "@" + manifest.digest(), null),
                tuple(AuditLog.TAG_DELETE, repository + ":v1", null),
                tuple(AuditLog.MANIFEST_PUSH, repository + "@" + manifest.digest(),
                        manifest.digest()),
                tuple(AuditLog.MANIFEST_PUSH, repository + ":v1", manifest.digest()));
        for (AuditEvent event : events) {
            assertThat(event.actor()).isEqualTo(user);
            assertThat(event.address()).isIn(LOCAL_ADDRESSES);
            assertThat(String.join(" ", event.target(), String.valueOf(event.detail()))).doesNotContain(token);
        }
    }

    // ------------------------------------------------------------------ helpers

    private String newUser() {
        String name = "u" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(users.create(name, password(name), false)).isTrue();
        return name;
    }

    /** Pushes a small blob as {@code user} (with basic credentials); returns its /v2/ path. */
    private String pushBlob(String user, String repository) {
        return "/v2/" + repository + "/blobs/"
                + client(basic(user, password(user))).pushRandomBlob(repository, 10).digest();
    }

    private static String password(String user) {
        return "pw-of-" + user;
    }

    private void disable(String user) {
        assertThat(jdbc.sql("update users set disabled = true where username = ?").param(user).update()).isOne();
        events.publishEvent(new AccountsChanged(user));
    }

    /** A client sending {@code authorization} (none when null) with every request. */
    private RegistryClient client(String authorization) {
        return new RegistryClient(http, path -> authorization == null ? request(path)
                : request(path).header("Authorization", authorization));
    }

    /** A token from {@code GET /auth/token}, anonymous when {@code user} is null. */
    private String token(String user, String password, String... scopes) {
        HttpResponse<String> response = tokenResponse(user, password, scopes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return RegistryClient.json(response.body()).get("token").asString();
    }

    private HttpResponse<String> tokenResponse(String user, String password, String... scopes) {
        StringBuilder query = new StringBuilder("/auth/token?service=stowage&client_id=authorization-it");
        for (String scope : scopes) {
            query.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        HttpRequest.Builder builder = request(query.toString()).GET();
        if (user != null) {
            builder.header("Authorization", basic(user, password));
        }
        return send(builder);
    }

    private HttpResponse<String> refresh(String refreshToken, String scope) {
        return post("grant_type", "refresh_token", "refresh_token", refreshToken, "service", "stowage",
                "scope", scope);
    }

    private HttpResponse<String> post(String... form) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < form.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(URLEncoder.encode(form[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(form[i + 1], StandardCharsets.UTF_8));
        }
        return send(request("/auth/token").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        return client(null).send(request.build());
    }

    /** Every repository the catalog lists to this client, following its pages. */
    private static List<String> catalog(RegistryClient client) {
        List<String> names = new ArrayList<>();
        String next = "/v2/_catalog?n=1000";
        while (next != null) {
            HttpResponse<String> page = client.get(next);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            for (JsonNode name : RegistryClient.json(page.body()).get("repositories")) {
                names.add(name.asString());
            }
            next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
        }
        return names;
    }

    /** A 401 with exactly the challenge distribution would send, and the OCI error body (none for HEAD). */
    private void assertChallenge(HttpResponse<String> response, String scope, String error) {
        assertThat(response.statusCode()).as("%s %s: %s", response.request().method(), response.request().uri(),
                response.body()).isEqualTo(401);
        String expected = "Bearer realm=\"http://localhost:" + port + "/auth/token\",service=\"stowage\""
                + (scope == null ? "" : ",scope=\"" + scope + "\"") + (error == null ? "" : ",error=\"" + error + "\"");
        assertThat(response.headers().allValues("WWW-Authenticate")).as("challenge of %s %s",
                response.request().method(), response.request().uri()).containsExactly(expected);
        if (response.request().method().equals("HEAD")) {
            assertThat(response.body()).isEmpty();
        } else {
            assertError(response, 401, "UNAUTHORIZED");
        }
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String value) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    }
}
