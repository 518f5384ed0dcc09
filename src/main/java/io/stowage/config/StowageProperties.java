package io.stowage.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * Every {@code stowage.*} setting.
 *
 * @param dataDir where Stowage keeps its own state: the embedded PostgreSQL cluster and, unless
 *     {@code stowage.storage.filesystem.root} says otherwise, the blobs
 * @param storage where blob bytes are stored
 * @param uploads blob upload sessions
 * @param registry behaviour of the /v2/ API
 * @param auth the token endpoint and the identities it knows
 * @param gc online garbage collection of unreferenced manifests and blobs
 * @param proxy the pull-through cache of upstream registries
 */
@ConfigurationProperties("stowage")
public record StowageProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue Storage storage,
        @DefaultValue Uploads uploads,
        @DefaultValue Registry registry,
        @DefaultValue Auth auth,
        @DefaultValue Gc gc,
        @DefaultValue Proxy proxy) {

    /**
     * @param type the backend that holds blob bytes
     * @param filesystem settings of the filesystem backend
     * @param s3 settings of the s3 backend
     */
    public record Storage(@DefaultValue("filesystem") StorageType type, @DefaultValue Filesystem filesystem,
                          @DefaultValue S3 s3) {

        public Storage {
            if (type == StorageType.S3 && (s3.bucket() == null || s3.bucket().isBlank())) {
                throw new IllegalArgumentException("stowage.storage.type=s3 needs stowage.storage.s3.bucket");
            }
        }
    }

    /** Backends for blob bytes. */
    public enum StorageType {
        /** A local (or shared, e.g. NFS) directory. */
        FILESYSTEM,
        /** An S3-compatible object store (AWS S3, MinIO, Ceph RGW, S3Proxy, ...). */
        S3
    }

    /**
     * @param root directory of the filesystem backend; empty means {@code <data-dir>/storage}
     * @param fsync force every blob to disk before it becomes visible, so that a power loss cannot leave a
     *     truncated blob behind; turning it off trades that safety for write throughput
     */
    public record Filesystem(Path root, @DefaultValue("true") boolean fsync) {
    }

    /**
     * @param endpoint the S3 API's URL; empty means AWS S3 in {@code region}
     * @param region the signing region
     * @param bucket the bucket holding blobs and uploads; it must exist
     * @param accessKey with {@code secretKey}: static credentials; when empty, the AWS SDK's default provider
     *     chain (environment, profile, web identity, instance or container role) supplies them
     * @param secretKey see {@code accessKey}
     * @param pathStyle address the bucket as {@code endpoint/bucket} rather than {@code bucket.endpoint} (MinIO,
     *     Ceph RGW and S3Proxy usually need this)
     * @param redirect answer blob GETs with a 307 to a presigned URL of the object, so that clients download from
     *     S3 rather than through Stowage; clients must be able to reach {@code endpoint}
     * @param redirectExpiry how long a presigned URL stays valid (at most 7 days, SigV4's limit); long enough for
     *     a slow client to start its download, short because anyone holding the URL may read the blob
     * @param partSize size of the multipart parts uploads are sent in (at least 5MB, S3's minimum); each upload
     *     request being written holds one part in memory
     */
    public record S3(
            URI endpoint,
            @DefaultValue("us-east-1") String region,
            String bucket,
            String accessKey,
            String secretKey,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("false") boolean redirect,
            @DefaultValue("20m") Duration redirectExpiry,
            @DefaultValue("8MB") DataSize partSize) {

        public S3 {
            if (redirectExpiry.compareTo(Duration.ofSeconds(1)) < 0 || redirectExpiry.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("stowage.storage.s3.redirect-expiry must be between 1s and 7d"
                        + " (SigV4's limit for presigned URLs), not " + redirectExpiry);
            }
            if (partSize.toBytes() < DataSize.of(5, DataUnit.MEGABYTES).toBytes()) {
                throw new IllegalArgumentException("stowage.storage.s3.part-size must be at least 5MB (S3's minimum part size)");
            }
        }
    }

    /**
     * @param expiry an upload session untouched for this long is cancelled and its bytes deleted
     * @param sweepInterval how often expired upload sessions are looked for
     * @param mountWithoutFrom whether {@code ?mount=<digest>} without {@code from} mounts the blob
     *     from any repository that has it
     */
    public record Uploads(
            @DefaultValue("24h") Duration expiry,
            @DefaultValue("15m") Duration sweepInterval,
            @DefaultValue("true") boolean mountWithoutFrom) {
    }

    /**
     * @param maxManifestSize manifests larger than this are refused with 413
     * @param deleteEnabled whether blobs, manifests and tags may be deleted through /v2/, and repositories and tags
     *     through the admin API
     */
    public record Registry(
            @DefaultValue("4MB") DataSize maxManifestSize,
            @DefaultValue("true") boolean deleteEnabled) {
    }

    /**
     * @param mode {@code token} (the default): every /v2/ request needs a token from {@code /auth/token} or HTTP basic
     *     credentials, and only what the access rules allow is done; {@code none}: anyone may do anything, for
     *     development only
     * @param issuer the {@code iss} of every token Stowage signs
     * @param service the {@code aud} of every token: the name clients pass as {@code service}, from the
     *     {@code WWW-Authenticate} challenge
     * @param tokenLifetime how long an access token stays valid (at least 60s, as the token spec asks)
     * @param refreshTokenLifetime how long a refresh token (asked for with {@code offline_token} or
     *     {@code access_type=offline}) stays valid
     * @param publicRepositories patterns ({@code *} stands for any characters) of repositories anyone may pull, on
     *     top of those made public through the admin API
     * @param trustedIssuers other token servers (docker_auth, an IdP, another Stowage with its own issuer name) whose
     *     tokens are accepted too, for exactly the {@code access} they carry: {@code [i].issuer} is their {@code iss}
     *     (not {@code stowage.auth.issuer}), {@code [i].keys} a file with their public keys, read at start (a missing
     *     or unusable file stops Stowage): a JWK set (e.g. their {@code /auth/jwks.json}) or PEM certificates /
     *     public keys as distribution's {@code rootcertbundle}. Tokens must be RS256/384/512 (RSA of at least 2048
     *     bits) or ES256/ES384, with the {@code kid} of a JWK, or the libtrust key ID or RFC 7638 thumbprint of a PEM
     *     key (PEM keys are also tried for tokens without {@code kid})
     * @param loginBackoff how failed sign-ins slow down further attempts
     * @param cache how much each node remembers of checked tokens, sign-ins and identities
     * @param admin the first administrator, created at first start
     * @param keyEncryption the key that encrypts the token signing keys kept in the database
     * @param oidc sign-in to the web UI with OpenID Connect providers
     * @param accessTokens users' personal access tokens
     * @param ldap sign-in with the passwords of an LDAP directory, whose groups map to teams
     */
    public record Auth(
            @DefaultValue("token") AuthMode mode,
            @DefaultValue("stowage") String issuer,
            @DefaultValue("stowage") String service,
            @DefaultValue("5m") Duration tokenLifetime,
            @DefaultValue("30d") Duration refreshTokenLifetime,
            List<String> publicRepositories,
            List<TrustedIssuer> trustedIssuers,
            @DefaultValue LoginBackoff loginBackoff,
            @DefaultValue CacheSizes cache,
            @DefaultValue Admin admin,
            @DefaultValue KeyEncryption keyEncryption,
            @DefaultValue Oidc oidc,
            @DefaultValue AccessTokens accessTokens,
            @DefaultValue Ldap ldap) {

        public Auth {
            if (tokenLifetime.compareTo(Duration.ofSeconds(60)) < 0) {
                throw new IllegalArgumentException("stowage.auth.token-lifetime must be at least 60s (older clients"
                        + " treat shorter tokens as expired), not " + tokenLifetime);
            }
            publicRepositories = publicRepositories == null ? List.of() : List.copyOf(publicRepositories);
            trustedIssuers = trustedIssuers == null ? List.of() : List.copyOf(trustedIssuers);
        }
    }

    /**
     * Sign-in to the web UI with OpenID Connect (the authorization code flow). A user signing in for the first time
     * is created, named by the provider's {@code username-claim}, and linked to the provider's {@code iss} and
     * {@code sub}, by which they are found at every later sign-in. OIDC users have no password: they log docker and
     * podman in with a personal access token.
     *
     * @param providers the providers, by registration id (letters, digits, {@code -} and {@code _}): each is
     *     offered on the sign-in page, and its redirect URI is {@code <external URL>/ui/login/oauth2/code/<id>}
     * @param passwordSignIn who may sign in with a password, to the web UI and to docker login alike: {@code all}
     *     users, or only the {@code administrator} ({@code stowage.auth.admin.username}: break glass, when the
     *     providers are down), everyone else signing in through a provider; robots and personal access tokens work
     *     either way
     */
    public record Oidc(Map<String, OidcProvider> providers, @DefaultValue("all") PasswordSignIn passwordSignIn) {

        public Oidc {
            providers = providers == null ? Map.of() : Map.copyOf(providers);
            providers.forEach((id, provider) -> {
                if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
                    throw new IllegalArgumentException("stowage.auth.oidc.providers: a registration id is letters,"
                            + " digits, - and _ (at most 64), not \"" + id + "\"");
                }
                if (provider.issuerUri() == null || provider.clientId() == null) {
                    throw new IllegalArgumentException("stowage.auth.oidc.providers." + id
                            + ": issuer-uri and client-id are required");
                }
            });
        }
    }

    /** Who may sign in with a password. */
    public enum PasswordSignIn {
        /** Every user with a password. */
        ALL,
        /** Only the administrator named by {@code stowage.auth.admin.username}. */
        ADMINISTRATOR
    }

    /**
     * @param issuerUri the provider's issuer: its configuration is read from
     *     {@code <issuer-uri>/.well-known/openid-configuration} at the first sign-in (not at start, so that a provider
     *     that is down never keeps Stowage from starting)
     * @param clientId the client Stowage is registered as
     * @param clientSecret that client's secret (give it as an environment variable or a secret, never in a file that
     *     is checked in); empty for a public client
     * @param name what the sign-in page calls the provider (default: the registration id)
     * @param scopes the scopes asked for; {@code openid} is always among them
     * @param usernameClaim the ID token or user-info claim a new user is named by; it must be a valid username
     *     (lowercase letters, digits and . _ - separators) that no local user or organization has
     * @param groupsClaim the claim listing the user's groups, matched against the groups teams are mapped to; read
     *     at every sign-in, so leaving a group takes its teams' roles away at the next sign-in
     */
    public record OidcProvider(
            URI issuerUri,
            String clientId,
            String clientSecret,
            String name,
            @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
            @DefaultValue("preferred_username") String usernameClaim,
            @DefaultValue("groups") String groupsClaim) {
    }

    /**
     * @param defaultLifetime how long a personal access token lives when its creation names no expiry
     * @param maxLifetime the longest a personal access token may live: an expiry further away is refused
     */
    public record AccessTokens(@DefaultValue("90d") Duration defaultLifetime,
                               @DefaultValue("366d") Duration maxLifetime) {

        public AccessTokens {
            if (defaultLifetime.isNegative() || defaultLifetime.isZero() || maxLifetime.compareTo(defaultLifetime) < 0) {
                throw new IllegalArgumentException("stowage.auth.access-tokens: default-lifetime must be positive and"
                        + " at most max-lifetime");
            }
        }
    }

    /**
     * Sign-in with an LDAP directory's passwords (a bind as the user), for docker login, the APIs and the web UI alike.
     * A name no local user has is looked up in the directory; its first sign-in creates the user, linked to its
     * entry's DN; each sign-in reads its groups, which give it the roles of the teams mapped to them (provider
     * {@code ldap}). While the directory cannot be reached its users get 503; local accounts still sign in.
     *
     * @param url the directory, e.g. {@code ldaps://ldap.example.com:636}; empty: no LDAP sign-in
     * @param base the base DN every search is relative to, e.g. {@code dc=example,dc=com}
     * @param managerDn the DN Stowage searches as (empty: anonymously)
     * @param managerPassword its password (from the environment or a secret)
     * @param userSearchBase where users are searched, relative to {@code base}, e.g. {@code ou=people}
     * @param userSearchFilter the filter finding a user by the name they sign in with, which replaces <code>{0}</code>
     * @param groupSearchBase where groups are searched, relative to {@code base}, e.g. {@code ou=groups}
     * @param groupSearchFilter the filter finding a user's groups: <code>{0}</code> is the user's DN, <code>{1}</code> the name
     * @param groupNameAttribute the attribute naming a group, matched against teams' groups
     * @param timeout how long a connection or an answer of the directory may take before its users get 503
     */
    public record Ldap(
            URI url,
            @DefaultValue("") String base,
            String managerDn,
            String managerPassword,
            @DefaultValue("") String userSearchBase,
            @DefaultValue("(uid={0})") String userSearchFilter,
            @DefaultValue("") String groupSearchBase,
            @DefaultValue("(member={0})") String groupSearchFilter,
            @DefaultValue("cn") String groupNameAttribute,
            @DefaultValue("5s") Duration timeout) {

        public boolean enabled() {
            return url != null && !url.toString().isBlank();
        }
    }

    /** Whether /v2/ is protected. */
    public enum AuthMode {
        /** Docker registry token auth: private unless made public. */
        TOKEN,
        /** No authentication and no access control: anyone may push, pull and delete. Development only. */
        NONE
    }

    /**
     * @param issuer the {@code iss} claim of that issuer's tokens
     * @param keys a file holding its public keys: a JWK set (JSON) or PEM certificates / public keys
     */
    public record TrustedIssuer(String issuer, Path keys) {
    }

    /**
     * @param freeAttempts failed sign-ins for one account from one client address before that address must wait to
     *     try that account again
     * @param addressFreeAttempts failed sign-ins from one client address, whatever the accounts, before the address
     *     must wait (spraying one password over many accounts)
     * @param accountFreeAttempts failed sign-ins for one account from all addresses together beyond which every
     *     address that failed for it waits until its failure is older than {@code window} (a guess spread over many
     *     addresses); an address without failures still signs in at once
     * @param initialDelay the wait imposed after the free attempts; it doubles with every further failure
     * @param maxDelay the longest wait imposed
     * @param window how long a failure counts: older failures are forgotten, so a few spread-out mistakes never add up
     */
    public record LoginBackoff(
            @DefaultValue("5") int freeAttempts,
            @DefaultValue("20") int addressFreeAttempts,
            @DefaultValue("50") int accountFreeAttempts,
            @DefaultValue("1s") Duration initialDelay,
            @DefaultValue("15m") Duration maxDelay,
            @DefaultValue("15m") Duration window) {

        public LoginBackoff {
            if (freeAttempts < 1 || addressFreeAttempts < 1 || accountFreeAttempts < 1) {
                throw new IllegalArgumentException("stowage.auth.login-backoff.*-attempts must be at least 1");
            }
            if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0
                    || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("stowage.auth.login-backoff: initial-delay and window must be"
                        + " positive and max-delay at least initial-delay");
            }
        }
    }

    /**
     * @param tokens verified tokens remembered (each for at most a minute), so that a client's token costs one
     *     signature check a minute rather than one per request
     * @param signIns successful sign-ins remembered (each re-checked within 30 s), so that basic credentials cost one
     *     password hash rather than one per request
     * @param identities accounts and their grants remembered (each re-read within 10 s), so that a token costs no
     *     query per request
     */
    public record CacheSizes(
            @DefaultValue("10000") int tokens,
            @DefaultValue("10000") int signIns,
            @DefaultValue("10000") int identities) {

        public CacheSizes {
            if (tokens < 1 || signIns < 1 || identities < 1) {
                throw new IllegalArgumentException("stowage.auth.cache.* sizes must be at least 1");
            }
        }
    }

    /**
     * @param username the administrator's name
     * @param password the administrator's password; when empty, a random one is generated at first start, written
     *     to {@code <data-dir>/admin.password} (readable by its owner only) and logged once
     */
    public record Admin(@DefaultValue("admin") String username, String password) {
    }

    /**
     * The private halves of the token signing keys are stored encrypted (AES-256-GCM), so that a dump of the database
     * alone cannot mint tokens. Every node must have the same key.
     *
     * @param key the key-encryption key: base64 of 32 random bytes ({@code openssl rand -base64 32}); when empty, it
     *     is read from {@code key-file}
     * @param keyFile a file holding the key; when empty, {@code <data-dir>/signing-keys.key}, which is generated
     *     (readable by its owner only) at first start if neither {@code key} nor the file exists. A file named here
     *     must exist
     * @param previousKeys keys used before {@code key}: signing keys they encrypted are encrypted again with
     *     {@code key} at start. Remove them once every node runs with the new key
     */
    public record KeyEncryption(String key, Path keyFile, List<String> previousKeys) {

        public KeyEncryption {
            previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
        }
    }

    /**
     * @param enabled whether this node runs the collector on a schedule ({@code POST /api/v1/gc} works either way);
     *     any number of nodes may run it at once
     * @param interval how long the collector waits between passes
     * @param batchSize reviews of each kind taken per pass; each is its own short transaction
     * @param reviewDelay how long after an event that may orphan something (tag deleted or moved, manifest deleted,
     *     blob uploaded) its review waits: the grace period for pushes in flight, whose blobs are uploaded before
     *     the manifest that references them
     * @param untagged what becomes of a manifest pushed without a tag and never tagged, listed by no index and
     *     referring to no subject: {@code keep} it, or {@code collect} it after the review delay. A manifest left
     *     untagged by a tag deleted or moved is collected either way
     * @param retryDelay the wait before retrying a failed delete in storage; it doubles with every failure
     * @param maxRetryDelay the longest wait between retries of a failed delete
     */
    public record Gc(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1m") Duration interval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("24h") Duration reviewDelay,
            @DefaultValue("keep") UntaggedPolicy untagged,
            @DefaultValue("1m") Duration retryDelay,
            @DefaultValue("6h") Duration maxRetryDelay) {

        public Gc {
            if (batchSize < 1) {
                throw new IllegalArgumentException("stowage.gc.batch-size must be at least 1, not " + batchSize);
            }
            if (reviewDelay.isNegative()) {
                throw new IllegalArgumentException("stowage.gc.review-delay must not be negative, not " + reviewDelay);
            }
            if (!interval.isPositive() || !retryDelay.isPositive() || maxRetryDelay.compareTo(retryDelay) < 0) {
                throw new IllegalArgumentException("stowage.gc.interval and retry-delay must be positive, and"
                        + " max-retry-delay at least retry-delay");
            }
        }
    }

    /**
     * The pull-through cache: each upstream registry appears under a namespace of its own, e.g.
     * {@code dockerhub/library/nginx}, whose repositories fill from the upstream as clients pull.
     *
     * @param upstreams the upstream registries, by name (lower-case letters, digits and {@code -}); see
     *     docs/pull-through-cache.md for the settings of each
     * @param timeout how long connecting to an upstream, or waiting for its answer, may take before the cache counts
     *     it as failed (and serves what it holds)
     * @param evictAfter cached images not pulled for this long are untagged and collected by the online GC; pushed
     *     content never is
     * @param spoolDirectory where blobs being fetched are spooled while clients stream them (files private to the
     *     service's user); default {@code <data-dir>/proxy-spool}
     * @param fetchLease how long a node's claim on a fetch lasts without being renewed; another node takes over the
     *     fetch of a node that stopped renewing it
     */
    public record Proxy(
            Map<String, Upstream> upstreams,
            @DefaultValue("30s") Duration timeout,
            @DefaultValue("30d") Duration evictAfter,
            Path spoolDirectory,
            @DefaultValue("30s") Duration fetchLease) {

        public Proxy {
            upstreams = upstreams == null ? Map.of() : Map.copyOf(upstreams);
            java.util.Set<String> namespaces = new java.util.HashSet<>();
            upstreams.forEach((name, upstream) -> {
                if (!name.matches("[a-z0-9]([a-z0-9-]{0,62})")) {
                    throw new IllegalArgumentException("stowage.proxy.upstreams: an upstream's name is lower-case"
                            + " letters, digits and - (at most 63), not \"" + name + "\"");
                }
                if (upstream.url() == null || !upstream.url().isAbsolute()
                        || !List.of("http", "https").contains(upstream.url().getScheme())) {
                    throw new IllegalArgumentException("stowage.proxy.upstreams." + name
                            + ".url must be an http or https URL, not " + upstream.url());
                }
                String namespace = upstream.namespaceOr(name);
                if (!namespace.matches("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*")) {
                    throw new IllegalArgumentException("stowage.proxy.upstreams." + name
                            + ".namespace must be a repository name, not \"" + namespace + "\"");
                }
                for (String other : namespaces) {
                    if (other.equals(namespace) || other.startsWith(namespace + "/")
                            || namespace.startsWith(other + "/")) {
                        throw new IllegalArgumentException("stowage.proxy.upstreams: the namespaces " + other
                                + " and " + namespace + " overlap; each upstream needs a namespace of its own");
                    }
                }
                namespaces.add(namespace);
            });
            if (!timeout.isPositive() || !evictAfter.isPositive() || !fetchLease.isPositive()) {
                throw new IllegalArgumentException("stowage.proxy.timeout, evict-after and fetch-lease must be"
                        + " positive");
            }
        }
    }

    /**
     * An upstream registry of the pull-through cache (documented in docs/pull-through-cache.md).
     *
     * @param url the registry's base URL, e.g. {@code https://registry-1.docker.io}
     * @param namespace where its repositories appear here; default the upstream's name
     * @param username the user to pull as (with {@code password}); none: anonymous
     * @param password its password or token (from the environment or a secret)
     * @param revalidate how long a cached tag is served without asking the upstream (a HEAD) whether it moved
     * @param include the upstream repositories the cache serves ({@code *} stands for any characters); none: all
     * @param exclude upstream repositories it never serves, even when included
     * @param serveStale whether cached content is served when the upstream fails (unreachable, timeout, 429, 5xx)
     *     or no longer has the tag
     * @param officialImages whether a one-part name means an official image, {@code nginx} being
     *     {@code library/nginx} (Docker Hub's rule); default: true for Docker Hub's URL only
     * @param mirrorHosts host names of this registry (DNS names pointing at it) on which requests name this
     *     upstream's repositories without the namespace, as Docker's {@code registry-mirrors} sends them
     * @param mirrorOf registry hosts this upstream mirrors for containerd, which names them in {@code ?ns=}
     *     ({@code docker.io}); default {@code docker.io} for Docker Hub's URL, else none
     * @param anonymousPull whether anyone may pull through the cache of this upstream without signing in (its
     *     namespace is public, as if listed in {@code stowage.auth.public-repositories})
     */
    public record Upstream(
            URI url,
            String namespace,
            String username,
            String password,
            @DefaultValue("5m") Duration revalidate,
            List<String> include,
            List<String> exclude,
            @DefaultValue("true") boolean serveStale,
            Boolean officialImages,
            List<String> mirrorHosts,
            List<String> mirrorOf,
            @DefaultValue("false") boolean anonymousPull) {

        public Upstream {
            include = include == null ? List.of() : List.copyOf(include);
            exclude = exclude == null ? List.of() : List.copyOf(exclude);
            mirrorHosts = mirrorHosts == null ? List.of()
                    : mirrorHosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
            mirrorOf = mirrorOf == null ? null
                    : mirrorOf.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
            if (revalidate.isNegative()) {
                throw new IllegalArgumentException("an upstream's revalidate must not be negative, not " + revalidate);
            }
        }

        public String namespaceOr(String name) {
            return namespace == null || namespace.isBlank() ? name : namespace;
        }

        /** Docker Hub's official images rule: on when asked, else for Docker Hub's own registry. */
        public boolean mapsOfficialImages() {
            return officialImages != null ? officialImages : isDockerHub();
        }

        /** The registry hosts containerd may name in {@code ?ns=} for this upstream. */
        public List<String> mirroredRegistries() {
            return mirrorOf != null ? mirrorOf : isDockerHub() ? List.of("docker.io") : List.of();
        }

        private boolean isDockerHub() {
            String host = url == null ? null : url.getHost();
            return host != null && (host.equals("registry-1.docker.io") || host.equals("docker.io")
                    || host.equals("index.docker.io"));
        }

        @Override
        public String toString() {
            return "Upstream[url=" + url + ", namespace=" + namespace + ", username=" + username + "]";
        }
    }

    /** What the collector does with manifests pushed untagged. */
    public enum UntaggedPolicy {
        /** Keep them: something may pull them by digest. */
        KEEP,
        /** Collect them after the review delay, unless an index lists them or their subject is present. */
        COLLECT
    }

    /** Where the pull-through cache spools blobs being fetched, defaulting to {@code <data-dir>/proxy-spool}. */
    public Path proxySpoolDirectory() {
        Path spool = proxy.spoolDirectory();
        return spool != null ? spool : dataDir.resolve("proxy-spool");
    }

    /** The filesystem backend's root directory, defaulting to {@code <data-dir>/storage}. */
    public Path filesystemRoot() {
        Path root = storage.filesystem().root();
        return root != null ? root : dataDir.resolve("storage");
    }
}
