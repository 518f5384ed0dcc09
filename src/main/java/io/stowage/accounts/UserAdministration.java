package io.stowage.accounts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.stowage.metadata.RefreshTokenRecords;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users: administrators create, change and delete them; every user may change their own password. An administrator
 * cannot delete, demote or disable themselves, so an installation always keeps one administrator who can sign in.
 * Passwords are never shown nor recorded in the audit trail.
 */
@Service
public class UserAdministration {

    private final Users users;
    private final UserRepository records;
    private final RefreshTokenRecords refreshTokens;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;

    public UserAdministration(Users users, UserRepository records, RefreshTokenRecords refreshTokens,
                              PasswordEncoder passwords, ApplicationEventPublisher events, ChangeAudit audit) {
        this.users = users;
        this.records = records;
        this.refreshTokens = refreshTokens;
        this.passwords = passwords;
        this.events = events;
        this.audit = audit;
    }

    /** A user as the admin API shows it: never the password hash. */
    public record UserView(String username, boolean admin, boolean disabled) {
    }

    /** A user to create; {@code admin} defaults to false. */
    public record NewUser(@NotNull String username, @NotNull String password, Boolean admin)
            implements StrictRequestBody {
        @Override
        public String toString() {
            return "NewUser[username=" + username + ", admin=" + admin + "]";
        }
    }

    /** What to change; a missing (null) field stays as it is. */
    public record UserChanges(String password, Boolean admin, Boolean disabled) implements StrictRequestBody {
        @Override
        public String toString() {
            return "UserChanges[password=" + (password == null ? "unchanged" : "(new)") + ", admin=" + admin
                    + ", disabled=" + disabled + "]";
        }
    }

    public List<UserView> list(Actor caller) {
        caller.requireAdmin();
        return records.findAllByOrderByUsername().stream().map(UserAdministration::view).toList();
    }

    /** The user: administrators may see everyone, a user themselves. */
    public UserView get(Actor caller, String username) {
        if (!caller.admin() && !caller.isUser(username)) {
            throw ActionRefused.forbidden("only administrators may see other users");
        }
        return view(find(username));
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public UserView create(Actor caller, NewUser user) {
        caller.requireAdmin();
        boolean admin = Boolean.TRUE.equals(user.admin());
        if (!users.create(user.username(), user.password(), admin)) {
            throw ActionRefused.nameTaken("a user or an organization named " + user.username() + " exists already");
        }
        // Identities remembers that the name did not exist a moment ago.
        events.publishEvent(new AccountsChanged(user.username()));
        audit.record(caller, ChangeAudit.USER_CREATE, user.username(), Map.of("admin", admin));
        return view(find(user.username()));
    }

    /**
     * Changes a user. A user who is not an administrator may change only their own password, and never through a
     * personal access token. A new password signs the user out of every refresh token.
     */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    public UserView update(Actor caller, String username, UserChanges changes) {
        if (caller.identity().token() != null) {
            // A token reaches repositories: one stolen must not take over its account by setting a new password.
            throw ActionRefused.forbidden("a personal access token cannot change accounts: sign in with the password");
        }
        boolean self = caller.isUser(username);
        if (!caller.admin() && !self) {
            throw ActionRefused.forbidden("only administrators may change other users");
        }
        if (changes == null || (changes.password() == null && changes.admin() == null && changes.disabled() == null)) {
            throw ActionRefused.invalid("nothing to change: give password, admin and/or disabled");
        }
        if (!caller.admin() && (changes.admin() != null || changes.disabled() != null)) {
            throw ActionRefused.forbidden("only administrators may change admin or disabled");
        }
        boolean demotesOrDisables = Boolean.FALSE.equals(changes.admin()) || Boolean.TRUE.equals(changes.disabled());
        if (self && caller.admin() && demotesOrDisables) {
            throw ActionRefused.conflict("administrators cannot demote or disable themselves");
        }
        if (changes.password() != null && changes.password().isEmpty()) {
            throw ActionRefused.invalid("the password must not be empty");
        }
        UserAccount user = find(username);
        String hash = changes.password() == null ? user.passwordHash() : passwords.encode(changes.password());
        boolean admin = changes.admin() == null ? user.admin() : changes.admin();
        user.changePassword(hash);
        user.makeAdmin(admin);
        if (changes.disabled() != null) {
            user.disable(changes.disabled());
        }
        if (changes.password() != null) {
            refreshTokens.deleteForUser(username);
            events.publishEvent(new AccountSignedOut(username, "password changed"));
        }
        if (Boolean.TRUE.equals(changes.disabled())) {
            events.publishEvent(new AccountSignedOut(username, "account disabled"));
        }
        events.publishEvent(new AccountsChanged(username));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("admin", changes.admin());
        detail.put("disabled", changes.disabled());
        detail.put("password", changes.password() == null ? null : "changed");
        audit.record(caller, ChangeAudit.USER_UPDATE, username, detail);
        return view(find(username));
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void delete(Actor caller, String username) {
        caller.requireAdmin();
        if (caller.isUser(username)) {
            throw ActionRefused.conflict("administrators cannot delete themselves");
        }
        if (records.deleteByUsername(username) == 0) {
            throw ActionRefused.notFound("no user named " + username);
        }
        events.publishEvent(new AccountsChanged(username));
        events.publishEvent(new AccountSignedOut(username, "account deleted"));
        audit.record(caller, ChangeAudit.USER_DELETE, username, null);
    }

    private UserAccount find(String username) {
        return records.findByUsername(username)
                .orElseThrow(() -> ActionRefused.notFound("no user named " + username));
    }

    private static UserView view(UserAccount user) {
        return new UserView(user.username(), user.admin(), user.disabled());
    }
}
