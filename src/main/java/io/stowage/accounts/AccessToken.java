package io.stowage.accounts;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

/**
 * A user's personal access token: a named secret (only its SHA-256 kept) that signs in as the user, narrowed to a
 * scope and optionally to the repositories a pattern matches, until it expires or is revoked (deleted).
 */
@Entity
@Table(name = "access_tokens")
public class AccessToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id", nullable = false, updatable = false)
    private UserAccount user;

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(name = "secret_hash", nullable = false, updatable = false)
    private byte[] secretHash;

    @Column(nullable = false, updatable = false)
    private String scope;

    @Column(name = "repository_pattern", updatable = false)
    private String repositoryPattern;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false, updatable = false)
    private Instant expiresAt;

    @Column(name = "last_used_at", insertable = false, updatable = false)
    private Instant lastUsedAt;

    protected AccessToken() {
    }

    AccessToken(UserAccount user, String name, byte[] secretHash, TokenScope.Scope scope, RepositoryPattern pattern,
                Instant expiresAt) {
        this.user = user;
        this.name = name;
        this.secretHash = secretHash.clone();
        this.scope = scope.label();
        this.repositoryPattern = pattern == null ? null : pattern.pattern();
        this.expiresAt = expiresAt;
    }

    public long id() {
        return id;
    }

    public UserAccount user() {
        return user;
    }

    public String name() {
        return name;
    }

    public TokenScope.Scope scope() {
        return TokenScope.Scope.of(scope);
    }

    /** The pattern of the repositories it reaches, or null for all the user's. */
    public String repositoryPattern() {
        return repositoryPattern;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    public boolean expiredBy(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** What it narrows its user's identity to. */
    public TokenScope narrowing() {
        return new TokenScope(id, name, scope(),
                repositoryPattern == null ? null : RepositoryPattern.of(repositoryPattern));
    }
}
