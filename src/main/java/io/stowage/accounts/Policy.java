package io.stowage.accounts;

import java.time.Instant;
import java.util.List;

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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An access policy: a user or a robot (exactly one) may take some actions on the repositories a
 * {@link RepositoryPattern} matches. A robot's permissions are its policies.
 */
@Entity
@Table(name = "access_policies")
public class Policy {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "repository_pattern", nullable = false, updatable = false)
    private String repositoryPattern;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "user_id", updatable = false)
    private UserAccount user;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "robot_id", updatable = false)
    private RobotAccount robot;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, updatable = false)
    private List<String> actions;

    @Column(name = "created_by", nullable = false, updatable = false)
    private String createdBy;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private Instant createdAt;

    protected Policy() {
    }

    private Policy(UserAccount user, RobotAccount robot, RepositoryPattern pattern, List<String> actions,
                   String createdBy) {
        this.user = user;
        this.robot = robot;
        this.repositoryPattern = pattern.pattern();
        this.actions = List.copyOf(actions);
        this.createdBy = createdBy;
    }

    static Policy forUser(UserAccount user, RepositoryPattern pattern, List<String> actions, String createdBy) {
        return new Policy(user, null, pattern, actions, createdBy);
    }

    static Policy forRobot(RobotAccount robot, RepositoryPattern pattern, List<String> actions, String createdBy) {
        return new Policy(null, robot, pattern, actions, createdBy);
    }

    public long id() {
        return id;
    }

    public String repositoryPattern() {
        return repositoryPattern;
    }

    /** The user's name, or null for a robot's policy. */
    public String username() {
        return user == null ? null : user.username();
    }

    /** The robot's name, or null for a user's policy. */
    public String robot() {
        return robot == null ? null : robot.name();
    }

    public List<String> actions() {
        return actions;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** What it grants, as an identity carries it. */
    public Grant grant() {
        return new Grant(RepositoryPattern.of(repositoryPattern), Actions.parse(actions));
    }
}
