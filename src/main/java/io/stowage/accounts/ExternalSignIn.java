package io.stowage.accounts;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Signing in with an identity provider's account (OpenID Connect now): the user it is linked to, created at its first
 * sign-in under the name the provider gives, and the groups the provider says it is in now, which decide the roles of
 * the teams mapped to them. The link is by the provider's issuer and subject, never by name: an account of the
 * provider whose name a local user already has gets no access to that user (the sign-in is refused). A user created
 * so has no password anyone knows; they log docker in with a personal access token.
 */
@Service
public class ExternalSignIn {

    static final String USER_CREATE_EXTERNAL = "user.create.external";

    private final ExternalIdentityRepository links;
    private final UserRepository users;
    private final Users accounts;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;
    private final Clock clock;

    public ExternalSignIn(ExternalIdentityRepository links, UserRepository users, Users accounts,
                          ApplicationEventPublisher events, ChangeAudit audit, Clock clock) {
        this.links = links;
        this.users = users;
        this.accounts = accounts;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * An account of a provider, as its ID token and user info describe it.
     *
     * @param source the provider's registration id, which names its groups
     * @param issuer its {@code iss}
     * @param subject its {@code sub} for the account
     * @param username the name a new user gets (the configured claim), or null when the provider gave none
     * @param groups the groups it is in now
     */
    public record ExternalAccount(String source, String issuer, String subject, String username, Set<String> groups) {
    }

    /**
     * The user the account is, created at its first sign-in, with its groups replaced by those it has now.
     *
     * @throws ActionRefused when a new account's name is missing, invalid or taken, or the user is disabled
     */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    public UserAccount signIn(ExternalAccount account, String address) {
        ExternalIdentity link = links.findByIssuerAndSubject(account.issuer(), account.subject())
                .orElseGet(() -> link(account, address));
        link.signedIn(clock.instant());
        UserAccount user = link.user();
        if (user.disabled()) {
            throw ActionRefused.forbidden("the account " + user.username() + " is disabled");
        }
        if (user.replaceGroups(account.source(), account.groups())) {
            events.publishEvent(new AccountsChanged(user.username()));
        }
        return user;
    }

    private ExternalIdentity link(ExternalAccount account, String address) {
        String username = account.username();
        if (username == null || username.isBlank()) {
            throw ActionRefused.invalid("the identity provider gave no username for this account");
        }
        boolean created;
        try {
            created = accounts.create(username, unguessablePassword(), false);
        } catch (IllegalArgumentException e) {
            throw ActionRefused.invalid("the identity provider's username \"" + username + "\" cannot be a"
                    + " username here: " + e.getMessage());
        }
        if (!created) {
            throw ActionRefused.nameTaken("a user or an organization named " + username + " exists already; an"
                    + " administrator must rename or delete it before this account can sign in");
        }
        UserAccount user = users.findByUsername(username).orElseThrow();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("provider", account.source());
        detail.put("issuer", account.issuer());
        detail.put("subject", account.subject());
        audit.record(new Actor(Identity.user(username, false, List.of()), address), USER_CREATE_EXTERNAL,
                username, detail);
        return links.save(new ExternalIdentity(user, account.issuer(), account.subject(), clock.instant()));
    }

    /** A password nobody knows or is told: the user signs in through the provider only. */
    private static String unguessablePassword() {
        return SecretHash.newSecret();
    }
}
