package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@TokenAuth
class SigningKeyAdminIT extends AdminApiTestBase {

    @Test
    void rotationKeepsOldTokensValidUntilTheOldKeyIsRetired() throws Exception {
        String user = newUser("pw", false);
        String credentials = basic(user, "pw");
        String before = token(credentials);
        // Never presented before the old key is retired: the verifier remembers tokens it has checked for a while.
        String unseen = token(credentials);
        String oldKid = kid(before);
        assertThat(kid(unseen)).isEqualTo(oldKid);

        HttpResponse<String> rotated = call("POST", "/api/v1/signing-keys", ADMIN, null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        JsonNode key = json(rotated);
        String newKid = key.get("kid").asString();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(key.get("algorithm").asString()).isEqualTo("ES256");
        assertThat(key.get("signing").asBoolean()).isTrue();
        assertThat(rotated.headers().firstValue("Location")).hasValue("/api/v1/signing-keys/" + newKid);

        assertThat(v2(before).statusCode()).isEqualTo(200);
        String after = token(credentials);
        assertThat(kid(after)).isEqualTo(newKid);
        assertThat(v2(after).statusCode()).isEqualTo(200);

        JsonNode keys = json(get("/api/v1/signing-keys", ADMIN));
        assertThat(keys.valueStream().filter(k -> k.get("signing").asBoolean()).map(k -> k.get("kid").asString())
                .toList()).containsExactly(newKid);
        assertThat(keys.valueStream().map(k -> k.get("kid").asString()).toList()).contains(oldKid, newKid);

        assertThat(call("DELETE", "/api/v1/signing-keys/" + oldKid, ADMIN, null).statusCode()).isEqualTo(204);
        HttpResponse<String> refused = v2(unseen);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("error=\"invalid_token\""));
        assertError(get("/api/v1/users/" + user, bearer(unseen)), 401, "unauthorized");
        assertThat(v2(after).statusCode()).isEqualTo(200);
        assertThat(json(get("/api/v1/signing-keys/" + oldKid, ADMIN)).get("retiredAt").isNull()).isFalse();
        assertThat(send(request("/auth/jwks.json").GET().build()).body()).doesNotContain(oldKid).contains(newKid);

        assertError(call("DELETE", "/api/v1/signing-keys/" + oldKid, ADMIN, null), 409, "conflict");
        assertError(call("DELETE", "/api/v1/signing-keys/no-such-kid", ADMIN, null), 404, "not_found");
        assertError(get("/api/v1/signing-keys/no-such-kid", ADMIN), 404, "not_found");

        List<String> audited = json(get("/api/v1/audit?actor=" + TokenAuth.ADMIN + "&n=1000", ADMIN)).get("events")
                .valueStream().filter(e -> e.get("action").asString().startsWith("key."))
                .map(e -> e.get("action").asString() + " " + e.get("target").asString()).toList();
        assertThat(audited).containsSubsequence("key.retire " + oldKid, "key.rotate " + newKid);
    }

    @Test
    void keysAreListedWithoutPrivateParts() throws Exception {
        HttpResponse<String> response = get("/api/v1/signing-keys", ADMIN);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode keys = json(response);
        assertThat(keys.size()).isPositive();
        for (JsonNode key : keys) {
            assertThat(key.propertyNames()).containsExactlyInAnyOrder("kid", "algorithm", "createdAt", "retiredAt",
                    "signing");
        }
        assertThat(response.body()).doesNotContain("private").doesNotContain("\"d\"");
    }

    @Test
    void aCrossSiteFormCannotRotate() throws Exception {
        // POST without a body rotates: a browser form (text/plain) must not be able to.
        int keys = json(get("/api/v1/signing-keys", ADMIN)).size();
        HttpResponse<String> rotate = send(request("/api/v1/signing-keys").header("Authorization", ADMIN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x=1")).build());
        assertError(rotate, 415, "unsupported_media_type");
        assertThat(json(get("/api/v1/signing-keys", ADMIN)).size()).isEqualTo(keys);
    }

    @Test
    void signingKeysAreForAdministratorsOnly() throws Exception {
        String user = newUser("pw", false);
        String credentials = basic(user, "pw");
        String kid = kid(token(credentials));
        assertError(get("/api/v1/signing-keys", credentials), 403, "forbidden");
        assertError(call("POST", "/api/v1/signing-keys", credentials, null), 403, "forbidden");
        assertError(call("DELETE", "/api/v1/signing-keys/" + kid, credentials, null), 403, "forbidden");
        assertThat(v2(token(credentials)).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> v2(String token) throws Exception {
        return send(request("/v2/").header("Authorization", bearer(token)).GET().build());
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }
}
