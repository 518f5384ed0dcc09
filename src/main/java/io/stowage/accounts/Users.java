package io.stowage.accounts;

import java.util.Optional;
import java.util.regex.Pattern;

import io.stowage.metadata.UserRecord;
import io.stowage.metadata.UserRecords;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/** The users the token endpoint knows: creating them and checking their passwords. */
@Service
public class Users {

    /** A username is a namespace, so it must be a valid repository name component. */
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*");

    private final UserRecords records;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    /** Checked against when the user does not exist, so that unknown and known names take the same time. */
    private final String decoyHash;

    public Users(UserRecords records, PasswordEncoder passwords, ApplicationEventPublisher events) {
        this.records = records;
        this.events = events;
        this.passwords = passwords;
        this.decoyHash = passwords.encode("decoy-password-never-matches");
    }

    /** Creates a user; false when the name is taken. */
    public boolean create(String username, String password, boolean admin) {
        if (username == null || username.length() > 64 || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("invalid username: lowercase letters, digits and . _ - separators only");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password is required");
        }
        return records.insertIfAbsent(username, passwords.encode(password), admin);
    }

    /** The user, if the name exists and the password is theirs. */
    public Optional<UserRecord> authenticate(String username, String password) {
        Optional<UserRecord> user = records.findByUsername(username);
        boolean matches = passwords.matches(password, user.map(UserRecord::passwordHash).orElse(decoyHash));
        return matches ? user : Optional.empty();
    }

    /** Makes the named user an administrator with this password (creating it if needed). */
    void ensureAdmin(String username, String password) {
        if (create(username, password, true)) {
            return;
        }
        UserRecord user = records.findByUsername(username).orElseThrow();
        if (!user.admin() || !passwords.matches(password, user.passwordHash())) {
            records.update(user.id(), passwords.encode(password), true);
            events.publishEvent(new AccountsChanged(username));
        }
    }
}
