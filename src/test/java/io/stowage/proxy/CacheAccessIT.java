package io.stowage.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.stowage.RegistryTestBase;
import io.stowage.auth.TokenAuth;
import org.junit.jupiter.api.Test;

/**
 * Access control in front of the pull-through cache, with token auth: an upstream with {@code anonymous-pull} is
 * pulled through without signing in, another asks for a token naming the cached repository, and nobody, the
 * administrator included, pushes into an upstream's namespace. The upstreams ({@link TokenAuth}) do not answer, so
 * what gets past access control meets the cache's error naming the upstream.
 */
@TokenAuth
class CacheAccessIT extends RegistryTestBase {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @Test
    void anonymousPullsReachTheCacheOnlyWhereTheUpstreamAllowsThem() throws Exception {
        HttpResponse<String> open = send(request("/v2/offline-cache/library/app/manifests/1.0")
                .header("Accept", OCI_MANIFEST).build());
        assertThat(open.statusCode()).as(open.body()).isEqualTo(502);
        assertThat(open.body()).contains("UNAVAILABLE").contains("upstream offline").contains("127.0.0.1:9");

        HttpResponse<String> closed = send(request("/v2/closed-cache/library/app/manifests/1.0")
                .header("Accept", OCI_MANIFEST).build());
        assertThat(closed.statusCode()).isEqualTo(401);
        assertThat(closed.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(challenge ->
                assertThat(challenge).contains("scope=\"repository:closed-cache/library/app:pull\""));

        HttpResponse<String> admin = send(request("/v2/closed-cache/library/app/manifests/1.0")
                .header("Accept", OCI_MANIFEST)
                .header("Authorization", UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD)).build());
        assertThat(admin.statusCode()).as("past access control, the upstream's problem").isEqualTo(502);
    }

    @Test
    void nobodyPushesIntoAnUpstreamsNamespace() throws Exception {
        HttpRequest.Builder start = request("/v2/offline-cache/library/app/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody());
        assertThat(send(start.build()).statusCode()).as("anonymous: sign in first").isEqualTo(401);

        HttpResponse<String> admin = send(start.header("Authorization",
                UpstreamImages.basic(TokenAuth.ADMIN, TokenAuth.ADMIN_PASSWORD)).build());
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(admin.body()).contains("DENIED").contains("offline-cache/").contains("pull-through cache");
    }
}
