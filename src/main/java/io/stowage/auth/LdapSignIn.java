package io.stowage.auth;

import java.util.Optional;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.ExternalIdentityRepository;
import io.stowage.accounts.ExternalSignIn;
import io.stowage.accounts.ExternalSignIn.ExternalAccount;
import io.stowage.accounts.UserAccount;
import io.stowage.outage.DirectoryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signing in with the LDAP directory's password: the directory's user becomes the local user linked to their entry
 * ({@link ExternalSignIn}: created at the first sign-in, never matched to a local user by name), with the groups the
 * directory lists now, which give them the roles of the teams mapped to those groups (provider {@value #SOURCE}).
 */
@Component
class LdapSignIn {

    /** The provider name of the directory's groups in teams' groups. */
    static final String SOURCE = "ldap";
    private static final Logger log = LoggerFactory.getLogger(LdapSignIn.class);

    private final LdapDirectory directory;
    private final ExternalSignIn externalSignIn;
    private final ExternalIdentityRepository links;
    private final String issuer;

    LdapSignIn(LdapDirectory directory, ExternalSignIn externalSignIn, ExternalIdentityRepository links) {
        this.directory = directory;
        this.externalSignIn = externalSignIn;
        this.links = links;
        this.issuer = directory.enabled() ? "ldap:" + directory.url() : null;
    }

    boolean enabled() {
        return directory.enabled();
    }

    /**
     * The local user of the directory's user of that name, if the password is theirs.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked now
     */
    Optional<UserAccount> authenticate(String username, String password) {
        return directory.authenticate(username, password).flatMap(account -> linked(username, account));
    }

    /**
     * The directory's user of that name as the directory has them now, without the password: empty once the
     * directory no longer has them.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked now
     */
    Optional<UserAccount> recheck(String username) {
        return directory.lookUp(username).flatMap(account -> linked(username, account));
    }

    /** Whether the user signs in through the directory (and so has their groups from it). */
    boolean isDirectoryUser(UserAccount user) {
        return enabled() && links.existsByUserIdAndIssuerStartingWith(user.id(), "ldap:");
    }

    private Optional<UserAccount> linked(String username, LdapDirectory.Account account) {
        try {
            return Optional.of(externalSignIn.signIn(new ExternalAccount(SOURCE, issuer, account.dn(), username,
                    account.groups()), SOURCE));
        } catch (ActionRefused e) {
            log.info("Sign-in of the directory's user {} ({}) refused: {}", username, account.dn(), e.getMessage());
            return Optional.empty();
        }
    }
}
