package io.stowage.accounts;

import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The users the token endpoint knows: creating them and checking their passwords. */
@Service
public class Users {

    /** A username is a namespace, so it must be a valid repository name component (as an organization's name). */
    static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*");

    private final UserRepository records;
    private final OrganizationRepository organizations;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    /** Checked against when the user does not exist, so that unknown and known names take the same time. */
    private final String decoyHash;

    public Users(UserRepository records, OrganizationRepository organizations, PasswordEncoder passwords, ApplicationEventPublisher events) {
        this.records = records;
        this.organizations = organizations;
        this.events = events;
        this.passwords = passwords;
        this.decoyHash = passwords.encode("decoy-password-never-matches");
    }

    /** Creates a user; false when the name is taken, by a user or an organization. */
    public boolean create(String username, String password, boolean admin) {
        if (username == null || username.length() > 64 || !NAMESPACE.matcher(username).matches()) {
            throw new IllegalArgumentException("invalid username: lowercase letters, digits and . _ - separators only");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password is required");
        }
        if (organizations.existsByName(username)) {
            // The organization owns that namespace.
            return false;
        }
        return records.insertIfAbsent(username, passwords.encode(password), admin) == 1;
    }

    /** The user, if the name exists and the password is theirs. */
    public Optional<UserAccount> authenticate(String username, String password) {
        Optional<UserAccount> user = records.findByUsername(username);
        boolean matches = passwords.matches(password, user.map(UserAccount::passwordHash).orElse(decoyHash));
        return matches ? user : Optional.empty();
    }

    /** Makes the named user an administrator with this password (creating it if needed). */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    void ensureAdmin(String username, String password) {
        if (create(username, password, true)) {
            return;
        }
        UserAccount user = records.findByUsername(username).orElseThrow();
        if (!user.admin() || !passwords.matches(password, user.passwordHash())) {
            user.changePassword(passwords.encode(password));
            user.makeAdmin(true);
            events.publishEvent(new AccountsChanged(username));
        }
    }
}
