package io.stowage.accounts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Access policies, for administrators: a user or robot may take some actions on the repositories a pattern matches
 * ({@code team/*}). They add to what everyone has anyway (a user's own namespace, public repositories). A robot's
 * permissions are policies too, so they are listed and deleted here as well.
 */
@Service
public class PolicyAdministration {

    private final PolicyRepository records;
    private final UserRepository users;
    private final RobotRepository robots;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;

    public PolicyAdministration(PolicyRepository records, UserRepository users, RobotRepository robots,
                                ApplicationEventPublisher events, ChangeAudit audit) {
        this.records = records;
        this.users = users;
        this.robots = robots;
        this.events = events;
        this.audit = audit;
    }

    /** A policy to create: for exactly one of {@code user} and {@code robot}. */
    public record NewPolicy(@NotNull String repository, String user, String robot, @NotNull List<String> actions)
            implements StrictRequestBody {
    }

    /** A policy as the admin API shows it; exactly one of {@code user} and {@code robot} is set. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicyView(long id, String repository, String user, String robot, List<String> actions,
                             String createdBy, Instant createdAt) {
    }

    /** Every policy, or those of one user or one robot when named. */
    public List<PolicyView> list(Actor caller, String user, String robot) {
        caller.requireAdmin();
        List<Policy> policies;
        if (user != null && robot != null) {
            throw ActionRefused.invalid("name a user or a robot, not both");
        } else if (user != null) {
            policies = records.forUser(user);
        } else if (robot != null) {
            policies = records.forRobot(robot);
        } else {
            policies = records.listAll();
        }
        return policies.stream().map(PolicyAdministration::view).toList();
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public PolicyView create(Actor caller, NewPolicy policy) {
        caller.requireAdmin();
        if ((policy.user() == null) == (policy.robot() == null)) {
            throw ActionRefused.invalid("a policy is for a user or for a robot: give exactly one of user and robot");
        }
        RepositoryPattern pattern = RepositoryPattern.of(policy.repository());
        List<String> actions = List.copyOf(Actions.parse(policy.actions()));
        Policy saved = policy.user() != null
                ? Policy.forUser(users.findByUsername(policy.user())
                        .orElseThrow(() -> ActionRefused.notFound("no user named " + policy.user())),
                        pattern, actions, caller.actor())
                : Policy.forRobot(robots.findByName(policy.robot())
                        .orElseThrow(() -> ActionRefused.notFound("no robot named " + policy.robot())),
                        pattern, actions, caller.actor());
        String subject = subject(policy.user(), policy.robot());
        PolicyView created = view(records.saveAndFlush(saved));
        events.publishEvent(new AccountsChanged(subject));
        audit.record(caller, ChangeAudit.POLICY_CREATE, subject, detail(created));
        return created;
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void delete(Actor caller, long id) {
        caller.requireAdmin();
        PolicyView policy = records.find(id).map(PolicyAdministration::view)
                .orElseThrow(() -> ActionRefused.notFound("no policy with id " + id));
        records.deleteById(id);
        String subject = subject(policy.user(), policy.robot());
        events.publishEvent(new AccountsChanged(subject));
        audit.record(caller, ChangeAudit.POLICY_DELETE, subject, detail(policy));
    }

    private static String subject(String user, String robot) {
        return user != null ? user : Identity.ROBOT_PREFIX + robot;
    }

    private static Map<String, Object> detail(PolicyView policy) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("id", policy.id());
        detail.put("repository", policy.repository());
        detail.put("actions", policy.actions());
        return detail;
    }

    private static PolicyView view(Policy record) {
        return new PolicyView(record.id(), record.repositoryPattern(), record.username(), record.robot(),
                RobotAdministration.inOrder(record.actions()), record.createdBy(), record.createdAt());
    }
}
