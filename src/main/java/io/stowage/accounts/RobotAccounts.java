package io.stowage.accounts;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Robot accounts for CI: created with permissions (repository pattern and actions) and an optional expiry, they sign in
 * as {@code robot+<name>} with a secret that is shown once, at creation, and kept only as a SHA-256.
 */
@Service
public class RobotAccounts {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");

    private final RobotRepository records;
    private final PolicyRepository policies;
    private final Clock clock;
    /** Compared against when the robot does not exist, so unknown names take as long as wrong secrets. */
    private final byte[] decoyHash = SecretHash.of("decoy");

    public RobotAccounts(RobotRepository records, PolicyRepository policies, Clock clock) {
        this.records = records;
        this.policies = policies;
        this.clock = clock;
    }

    /** A new robot and its secret; empty when the name is taken. */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    public Optional<CreatedRobot> create(String name, String description, List<Grant> permissions,
                                         Instant expiresAt, String createdBy) {
        if (name == null || name.length() > 64 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid robot name: lowercase letters, digits and . _ - separators");
        }
        if (permissions == null || permissions.isEmpty()) {
            throw new IllegalArgumentException("a robot needs at least one permission");
        }
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new IllegalArgumentException("expiresAt lies in the past");
        }
        String secret = SecretHash.newSecret();
        if (records.findByName(name).isPresent()) {
            return Optional.empty();
        }
        RobotAccount robot;
        try {
            robot = records.saveAndFlush(new RobotAccount(name, description, SecretHash.of(secret), expiresAt,
                    createdBy));
        } catch (DataIntegrityViolationException e) {
            // Another node created a robot of that name a moment ago; this transaction ends with the refusal.
            return Optional.empty();
        }
        for (Grant permission : permissions) {
            policies.save(Policy.forRobot(robot, permission.pattern(), List.copyOf(permission.actions()), createdBy));
        }
        return Optional.of(new CreatedRobot(Identity.ROBOT_PREFIX + name, secret));
    }

    /** The robot, if the secret is its own; disabled or expired robots are the caller's to refuse. */
    public Optional<RobotAccount> authenticate(String name, String secret) {
        Optional<RobotAccount> robot = records.findByName(name);
        byte[] stored = robot.map(RobotAccount::secretHash).orElse(decoyHash);
        if (!MessageDigest.isEqual(stored, SecretHash.of(secret)) || robot.isEmpty()) {
            return Optional.empty();
        }
        records.touch(robot.get().id());
        return robot;
    }


    /** A robot just created: the username it signs in with and its secret, which is never shown again. */
    public record CreatedRobot(String username, String secret) {
        @Override
        public String toString() {
            return "CreatedRobot[username=" + username + "]";
        }
    }
}
