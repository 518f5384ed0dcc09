package io.stowage.accounts;

/** A role a team's member holds in an organization, on the repositories the pattern matches. */
public record RoleGrant(String organization, RepositoryPattern pattern, Role role) {

    /** As a query over teams reads it. */
    public RoleGrant(String organization, String pattern, Role role) {
        this(organization, RepositoryPattern.of(pattern), role);
    }
}
