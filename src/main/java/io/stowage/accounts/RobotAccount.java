package io.stowage.accounts;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

/**
 * A robot account: signs in as {@code robot+<name>} with a generated secret of which only a SHA-256 is kept, may
 * expire, and may do what its permissions ({@link Policy policies}) say.
 */
@Entity
@Table(name = "robot_accounts")
public class RobotAccount {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, updatable = false)
    private String name;

    private String description;

    @Column(name = "secret_hash", nullable = false)
    private byte[] secretHash;

    @Column(nullable = false)
    private boolean disabled;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "created_by", nullable = false, updatable = false)
    private String createdBy;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    /** Written by {@link RobotRepository#touch} only, at most once a minute. */
    @Column(name = "last_used_at", insertable = false, updatable = false)
    private Instant lastUsedAt;

    protected RobotAccount() {
    }

    RobotAccount(String name, String description, byte[] secretHash, Instant expiresAt, String createdBy) {
        this.name = name;
        this.description = description;
        this.secretHash = secretHash.clone();
        this.expiresAt = expiresAt;
        this.createdBy = createdBy;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public byte[] secretHash() {
        return secretHash.clone();
    }

    public boolean disabled() {
        return disabled;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** Whether it has expired by {@code now}. */
    public boolean expiredBy(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }

    void disable(boolean disabled) {
        this.disabled = disabled;
    }
}
