package io.stowage.accounts;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

/** An organization: owns the namespace of its name ({@code acme/...}); its {@link Team teams} give members roles. */
@Entity
@Table(name = "organizations")
public class Organization {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false, unique = true, updatable = false)
    private String name;

    @Column(name = "created_by", nullable = false, updatable = false)
    private String createdBy;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    protected Organization() {
    }

    Organization(String name, String createdBy) {
        this.name = name;
        this.createdBy = createdBy;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The pattern of every repository in its namespace: {@code <name>/*}. */
    public RepositoryPattern namespace() {
        return RepositoryPattern.of(name + "/*");
    }
}
