package io.stowage.accounts;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embeddable;

/** A role a team has on the repositories of its organization a pattern matches (one row of {@code team_roles}). */
@Embeddable
public class TeamRole {

    @Column(name = "repository_pattern", nullable = false)
    private String repositoryPattern;

    @Convert(converter = RoleColumn.class)
    @Column(nullable = false)
    private Role role;

    protected TeamRole() {
    }

    TeamRole(RepositoryPattern pattern, Role role) {
        this.repositoryPattern = pattern.pattern();
        this.role = role;
    }

    public String repositoryPattern() {
        return repositoryPattern;
    }

    public Role role() {
        return role;
    }
}
