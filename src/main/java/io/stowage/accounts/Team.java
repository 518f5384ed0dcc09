package io.stowage.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;

/** A team of an organization: users and robots, and the roles it gives them on the organization's repositories. */
@Entity
@Table(name = "teams")
public class Team {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "organization_id", nullable = false, updatable = false)
    private Organization organization;

    @Column(nullable = false, updatable = false)
    private String name;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    @ElementCollection
    @CollectionTable(name = "team_roles", joinColumns = @JoinColumn(name = "team_id"))
    private List<TeamRole> roles = new ArrayList<>();

    @ManyToMany
    @JoinTable(name = "team_users", joinColumns = @JoinColumn(name = "team_id"),
            inverseJoinColumns = @JoinColumn(name = "user_id"))
    private Set<UserAccount> users = new LinkedHashSet<>();

    @ManyToMany
    @JoinTable(name = "team_robots", joinColumns = @JoinColumn(name = "team_id"),
            inverseJoinColumns = @JoinColumn(name = "robot_id"))
    private Set<RobotAccount> robots = new LinkedHashSet<>();

    /** The identity providers' groups whose members it gives its roles to, as if they were members. */
    @ElementCollection
    @CollectionTable(name = "team_groups", joinColumns = @JoinColumn(name = "team_id"))
    private Set<ExternalGroup> groups = new LinkedHashSet<>();

    protected Team() {
    }

    Team(Organization organization, String name) {
        this.organization = organization;
        this.name = name;
    }

    public long id() {
        return id;
    }

    public Organization organization() {
        return organization;
    }

    public String name() {
        return name;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public List<TeamRole> roles() {
        return List.copyOf(roles);
    }

    /** Its members as they sign in: usernames, then {@code robot+<name>}, each in name order. */
    public List<String> members() {
        List<String> members = new ArrayList<>();
        users.stream().map(UserAccount::username).sorted().forEach(members::add);
        robots.stream().map(r -> Identity.ROBOT_PREFIX + r.name()).sorted(Comparator.naturalOrder())
                .forEach(members::add);
        return members;
    }

    /** Its groups, by source and then name. */
    public List<ExternalGroup> groups() {
        return groups.stream().sorted(Comparator.comparing(ExternalGroup::source).thenComparing(ExternalGroup::name))
                .toList();
    }

    void replaceGroups(Set<ExternalGroup> newGroups) {
        groups.clear();
        groups.addAll(newGroups);
    }

    void replaceRoles(List<TeamRole> newRoles) {
        roles.clear();
        roles.addAll(newRoles);
    }

    /** False when it was a member already. */
    boolean add(UserAccount user) {
        return users.add(user);
    }

    boolean add(RobotAccount robot) {
        return robots.add(robot);
    }

    /** False when it was not a member. */
    boolean remove(UserAccount user) {
        return users.removeIf(u -> u.id() == user.id());
    }

    boolean remove(RobotAccount robot) {
        return robots.removeIf(r -> r.id() == robot.id());
    }
}
