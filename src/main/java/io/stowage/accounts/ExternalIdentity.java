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
 * An identity provider's account linked to a user: the provider's issuer and its subject for the account, which
 * never change, unlike the account's name or e-mail address.
 */
@Entity
@Table(name = "external_identities")
public class ExternalIdentity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id", nullable = false, updatable = false)
    private UserAccount user;

    @Column(nullable = false, updatable = false)
    private String issuer;

    @Column(nullable = false, updatable = false)
    private String subject;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "last_sign_in_at", nullable = false)
    private Instant lastSignInAt;

    protected ExternalIdentity() {
    }

    ExternalIdentity(UserAccount user, String issuer, String subject, Instant now) {
        this.user = user;
        this.issuer = issuer;
        this.subject = subject;
        this.lastSignInAt = now;
    }

    public UserAccount user() {
        return user;
    }

    public String issuer() {
        return issuer;
    }

    public String subject() {
        return subject;
    }

    public Instant lastSignInAt() {
        return lastSignInAt;
    }

    void signedIn(Instant now) {
        this.lastSignInAt = now;
    }
}
