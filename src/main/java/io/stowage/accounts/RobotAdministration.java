package io.stowage.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stowage.accounts.RobotAccounts.CreatedRobot;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Robot accounts, for administrators: created with permissions and an optional expiry, they sign in as
 * {@code robot+<name>} with a secret shown once, in the answer to their creation. They can be disabled and deleted;
 * either stops their secret, refresh tokens and cached sign-ins at once on this node.
 */
@Service
public class RobotAdministration {

    static final int MAX_DESCRIPTION = 1024;

    private final RobotAccounts robots;
    private final RobotRepository records;
    private final PolicyRepository policies;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;
    private final Clock clock;

    public RobotAdministration(RobotAccounts robots, RobotRepository records, PolicyRepository policies,
                               ApplicationEventPublisher events, ChangeAudit audit, Clock clock) {
        this.robots = robots;
        this.records = records;
        this.policies = policies;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    /** Actions (pull, push, delete, or * for all) on the repositories a pattern matches ({@code *}: any characters). */
    public record Permission(@NotNull String repository, @NotNull List<String> actions) implements StrictRequestBody {
    }

    /** A robot to create; {@code expiresAt} (optional) must lie in the future. */
    public record NewRobot(@NotNull String name, String description,
                           @NotNull List<@NotNull @Valid Permission> permissions, Instant expiresAt)
            implements StrictRequestBody {
    }

    /** What to change about a robot. */
    public record RobotChanges(Boolean disabled) implements StrictRequestBody {
    }

    /** A robot as listed: never its secret. */
    public record RobotView(String name, String username, String description, List<Permission> permissions,
                            boolean disabled, Instant expiresAt, boolean expired, String createdBy,
                            Instant createdAt, Instant lastUsedAt) {
    }

    /** A robot just created, with the secret it signs in with: shown this once and never again. */
    public record CreatedRobotView(String name, String username, String secret, String description,
                                   List<Permission> permissions, Instant expiresAt, String createdBy,
                                   Instant createdAt) {
        @Override
        public String toString() {
            return "CreatedRobotView[name=" + name + "]";
        }
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public CreatedRobotView create(Actor caller, NewRobot robot) {
        caller.requireAdmin();
        if (robot.description() != null && robot.description().length() > MAX_DESCRIPTION) {
            throw ActionRefused.invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        List<Grant> grants = grants(robot.permissions());
        CreatedRobot created = robots.create(robot.name(), robot.description(), grants, robot.expiresAt(),
                        caller.actor())
                .orElseThrow(() -> ActionRefused.nameTaken("a robot named " + robot.name() + " exists already"));
        // Identities may remember that robot+<name> did not exist a moment ago.
        events.publishEvent(new AccountsChanged(created.username()));
        RobotAccount record = records.findByName(robot.name()).orElseThrow();
        List<Permission> permissions = permissions(policies.forRobot(robot.name()));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("permissions", permissions);
        detail.put("expiresAt", record.expiresAt() == null ? null : record.expiresAt().toString());
        audit.record(caller, ChangeAudit.ROBOT_CREATE, robot.name(), detail);
        return new CreatedRobotView(record.name(), created.username(), created.secret(), record.description(),
                permissions, record.expiresAt(), record.createdBy(), record.createdAt());
    }

    public List<RobotView> list(Actor caller) {
        caller.requireAdmin();
        Map<String, List<Policy>> byRobot = policies.listAll().stream().filter(p -> p.robot() != null)
                .collect(Collectors.groupingBy(Policy::robot));
        return records.findAllByOrderByName().stream()
                .map(robot -> view(robot, byRobot.getOrDefault(robot.name(), List.of()))).toList();
    }

    public RobotView get(Actor caller, String name) {
        caller.requireAdmin();
        return view(find(name), policies.forRobot(name));
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public RobotView update(Actor caller, String name, RobotChanges changes) {
        caller.requireAdmin();
        if (changes == null || changes.disabled() == null) {
            throw ActionRefused.invalid("nothing to change: give disabled");
        }
        find(name).disable(changes.disabled());
        events.publishEvent(new AccountsChanged(Identity.ROBOT_PREFIX + name));
        if (changes.disabled()) {
            events.publishEvent(new AccountSignedOut(Identity.ROBOT_PREFIX + name, "robot disabled"));
        }
        audit.record(caller, ChangeAudit.ROBOT_UPDATE, name, Map.of("disabled", changes.disabled()));
        return get(caller, name);
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void delete(Actor caller, String name) {
        caller.requireAdmin();
        if (records.deleteByName(name) == 0) {
            throw ActionRefused.notFound("no robot named " + name);
        }
        events.publishEvent(new AccountsChanged(Identity.ROBOT_PREFIX + name));
        events.publishEvent(new AccountSignedOut(Identity.ROBOT_PREFIX + name, "robot deleted"));
        audit.record(caller, ChangeAudit.ROBOT_DELETE, name, null);
    }

    private RobotAccount find(String name) {
        return records.findByName(name).orElseThrow(() -> ActionRefused.notFound("no robot named " + name));
    }

    /** The permissions as grants; invalid patterns or actions are the caller's error (400). */
    private static List<Grant> grants(List<Permission> permissions) {
        if (permissions == null) {
            return null; // RobotAccounts explains that a robot needs a permission
        }
        List<Grant> grants = new ArrayList<>();
        for (Permission permission : permissions) {
            grants.add(new Grant(RepositoryPattern.of(permission.repository()), Actions.parse(permission.actions())));
        }
        return grants;
    }

    private static List<Permission> permissions(List<Policy> records) {
        return records.stream().map(p -> new Permission(p.repositoryPattern(), inOrder(p.actions()))).toList();
    }

    /** Actions as every answer lists them: pull, push, delete. */
    static List<String> inOrder(List<String> actions) {
        return Actions.REPOSITORY.stream().filter(actions::contains).toList();
    }

    private RobotView view(RobotAccount robot, List<Policy> permissions) {
        boolean expired = robot.expiresAt() != null && !robot.expiresAt().isAfter(clock.instant());
        return new RobotView(robot.name(), Identity.ROBOT_PREFIX + robot.name(), robot.description(),
                permissions(permissions), robot.disabled(), robot.expiresAt(), expired, robot.createdBy(),
                robot.createdAt(), robot.lastUsedAt());
    }
}
