package io.stowage.accounts;

import java.util.Objects;
import java.util.regex.Pattern;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * A group of an identity provider: its source (an OIDC provider's registration id, or {@code ldap}) and its name
 * there. A user holds the groups they were in at their last sign-in ({@code user_groups}); a team holds the groups
 * whose members it gives its roles to ({@code team_groups}).
 */
@Embeddable
public class ExternalGroup {

    /** What a source is called: a registration id. */
    public static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_NAME = 256;

    @Column(nullable = false)
    private String source;

    @Column(name = "group_name", nullable = false)
    private String name;

    protected ExternalGroup() {
    }

    public ExternalGroup(String source, String name) {
        if (source == null || !SOURCE.matcher(source).matches()) {
            throw ActionRefused.invalid("a group's provider is a registration id (letters, digits, - and _), not "
                    + source);
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw ActionRefused.invalid("a group's name is 1 to " + MAX_NAME + " characters");
        }
        this.source = source;
        this.name = name;
    }

    public String source() {
        return source;
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalGroup other && source.equals(other.source) && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, name);
    }

    @Override
    public String toString() {
        return source + ":" + name;
    }
}
