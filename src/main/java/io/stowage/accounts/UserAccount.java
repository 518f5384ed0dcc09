package io.stowage.accounts;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

/** A user: signs in with a password (kept in the DelegatingPasswordEncoder's {@code {id}hash} format), owns a namespace. */
@Entity
@Table(name = "users")
public class UserAccount {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, updatable = false)
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Column(nullable = false)
    private boolean admin;

    @Column(nullable = false)
    private boolean disabled;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    /** The identity providers' groups it was in at its last sign-in through each. */
    @ElementCollection
    @CollectionTable(name = "user_groups", joinColumns = @JoinColumn(name = "user_id"))
    private Set<ExternalGroup> groups = new HashSet<>();

    protected UserAccount() {
    }

    public long id() {
        return id;
    }

    public String username() {
        return username;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public boolean admin() {
        return admin;
    }

    public boolean disabled() {
        return disabled;
    }

    public Instant createdAt() {
        return createdAt;
    }

    void changePassword(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    void makeAdmin(boolean admin) {
        this.admin = admin;
    }

    /** The groups of that source it is in now; false when they are those it was in already. */
    boolean replaceGroups(String source, Set<String> names) {
        Set<ExternalGroup> now = new HashSet<>();
        names.forEach(name -> now.add(new ExternalGroup(source, name)));
        Set<ExternalGroup> before = new HashSet<>();
        groups.stream().filter(g -> g.source().equals(source)).forEach(before::add);
        if (before.equals(now)) {
            return false;
        }
        groups.removeAll(before);
        groups.addAll(now);
        return true;
    }

    void disable(boolean disabled) {
        this.disabled = disabled;
    }
}
