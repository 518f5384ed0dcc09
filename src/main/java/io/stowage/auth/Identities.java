package io.stowage.auth;

import java.time.Clock;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.stowage.accounts.AccessToken;
import io.stowage.accounts.AccessTokenAdministration;
import io.stowage.accounts.AccessTokenRepository;
import io.stowage.accounts.AccountsChanged;
import io.stowage.accounts.Grant;
import io.stowage.accounts.Identity;
import io.stowage.accounts.Policy;
import io.stowage.accounts.PolicyRepository;
import io.stowage.accounts.RobotAccount;
import io.stowage.accounts.RobotAccounts;
import io.stowage.accounts.RobotRepository;
import io.stowage.accounts.RoleGrant;
import io.stowage.accounts.TeamRepository;
import io.stowage.accounts.SecretHash;
import io.stowage.accounts.UserAccount;
import io.stowage.accounts.UserRepository;
import io.stowage.accounts.Users;
import io.stowage.config.StowageProperties;
import io.stowage.outage.DirectoryUnavailableException;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Turns credentials (a user's password or personal access token, a robot's secret) or a token's subject into an
 * {@link Identity} with its grants. Resolved identities are cached for at most {@link #CACHE_TIME}, so a busy client costs no query per
 * request; a disabled account or changed policy takes effect on every node within that time. An identity in use is
 * read again in the background after half that time, so a busy client never waits for it.
 */
@Service
public class Identities {

    static final Duration CACHE_TIME = Duration.ofSeconds(10);
    /** How a sign-in with a personal access token remembers what it matched: the token's hash, not a password's. */
    private static final String TOKEN_HASH = "token:";
    /** How the cache keys an identity narrowed by a token: {@code <username>#token:<id>} ({@code #} is in no name). */
    private static final String TOKEN_KEY = "#token:";
    /** How a sign-in with the directory's password remembers what it matched: the directory re-checks it. */
    private static final String DIRECTORY_HASH = "ldap";

    private final Users users;
    private final RobotAccounts robots;
    private final UserRepository userRecords;
    private final RobotRepository robotRecords;
    private final PolicyRepository policies;
    private final TeamRepository teams;
    private final AccessTokenRepository tokens;
    private final LdapSignIn ldap;
    private final StowageProperties.PasswordSignIn passwordSignIn;
    private final String administrator;
    private final Clock clock;
    private final LoadingCache<String, Optional<Identity>> bySubject;

    public Identities(Users users, RobotAccounts robots, UserRepository userRecords,
                      RobotRepository robotRecords, PolicyRepository policies, TeamRepository teams,
                      AccessTokenRepository tokens, LdapSignIn ldap, StowageProperties properties, Clock clock) {
        this.users = users;
        this.robots = robots;
        this.userRecords = userRecords;
        this.robotRecords = robotRecords;
        this.policies = policies;
        this.teams = teams;
        this.tokens = tokens;
        this.ldap = ldap;
        this.passwordSignIn = properties.auth().oidc().passwordSignIn();
        this.administrator = properties.auth().admin().username();
        this.clock = clock;
        this.bySubject = Caffeine.newBuilder().maximumSize(properties.auth().cache().identities())
                .expireAfterWrite(CACHE_TIME)
                .refreshAfterWrite(CACHE_TIME.dividedBy(2)).ticker(AuthCaches.ticker(clock))
                .executor(AuthCaches.EXECUTOR).recordStats().build(AuthCaches.checkedBy(this::load));
    }

    /**
     * The identity whose username (or {@code robot+<name>}) and password (or secret) these are, if it may sign in,
     * with the stored hash they matched, by which {@link #recheck} tells later whether they still would.
     */
    public Optional<Authenticated> authenticate(String username, String password) {
        if (password.startsWith(AccessTokenAdministration.SECRET_PREFIX)) {
            byte[] hash = SecretHash.of(password);
            return accessToken(tokens.findBySecret(hash), username)
                    .map(identity -> new Authenticated(identity, TOKEN_HASH + HexFormat.of().formatHex(hash)));
        }
        if (username.startsWith(Identity.ROBOT_PREFIX)) {
            String name = username.substring(Identity.ROBOT_PREFIX.length());
            // The secret matched, so the stored hash is the secret's.
            return robots.authenticate(name, password).flatMap(this::robotIdentity)
                    .map(identity -> new Authenticated(identity, HexFormat.of().formatHex(SecretHash.of(password))));
        }
        // A local user's password is checked here, even while the directory is out; the directory is asked about
        // its own users and names nobody has here.
        if (ldap.enabled() && userRecords.findByUsername(username).map(ldap::isDirectoryUser).orElse(true)) {
            return ldap.authenticate(username, password).filter(user -> !user.disabled())
                    .map(user -> new Authenticated(userIdentity(user), DIRECTORY_HASH));
        }
        return users.authenticate(username, password).filter(this::maySignInWithAPassword)
                .map(user -> new Authenticated(userIdentity(user), user.passwordHash()));
    }

    /**
     * The identity of {@code username} as it is now, if its stored hash is still {@code storedHash} (the credentials
     * that matched it then still would) and it may still sign in: a remembered sign-in re-checked without the
     * password, which is never kept.
     */
    Optional<Identity> recheck(String username, String storedHash) {
        if (storedHash.equals(DIRECTORY_HASH)) {
            return ldap.recheck(username).filter(user -> !user.disabled()).map(this::userIdentity);
        }
        if (storedHash.startsWith(TOKEN_HASH)) {
            return accessToken(tokens.findBySecret(HexFormat.of().parseHex(storedHash.substring(TOKEN_HASH.length()))),
                    username);
        }
        if (username.startsWith(Identity.ROBOT_PREFIX)) {
            String name = username.substring(Identity.ROBOT_PREFIX.length());
            return robotRecords.findByName(name)
                    .filter(robot -> HexFormat.of().formatHex(robot.secretHash()).equals(storedHash))
                    .flatMap(this::robotIdentity);
        }
        return userRecords.findByUsername(username)
                .filter(user -> maySignInWithAPassword(user) && user.passwordHash().equals(storedHash))
                .map(this::userIdentity);
    }

    /** The identity a token's subject names, if it still exists and may act; anonymous for the empty subject. */
    public Optional<Identity> resolve(String subject) {
        return resolve(subject, null);
    }

    /**
     * The identity a token's subject names, narrowed by the personal access token it was issued for (its id, or
     * null), if both still exist and may act.
     */
    public Optional<Identity> resolve(String subject, Long accessToken) {
        if (subject.isEmpty()) {
            return Optional.of(Identity.ANONYMOUS);
        }
        String key = accessToken == null ? subject : subject + TOKEN_KEY + accessToken;
        Optional<Identity> cached = bySubject.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        Optional<Identity> identity = load(key);
        bySubject.put(key, identity);
        return identity;
    }

    /** Forgets cached identities on this node, after a change made here (other nodes follow within the cache time). */
    @EventListener(AccountsChanged.class)
    public void forget() {
        bySubject.invalidateAll();
    }

    private Optional<Identity> load(String key) {
        int token = key.indexOf(TOKEN_KEY);
        if (token >= 0) {
            return accessToken(tokens.findWithUser(Long.parseLong(key.substring(token + TOKEN_KEY.length()))),
                    key.substring(0, token));
        }
        String subject = key;
        if (subject.startsWith(Identity.ROBOT_PREFIX)) {
            return robotRecords.findByName(subject.substring(Identity.ROBOT_PREFIX.length()))
                    .flatMap(this::robotIdentity);
        }
        return userRecords.findByUsername(subject).filter(user -> !user.disabled()).flatMap(this::directoryUser)
                .map(this::userIdentity);
    }

    /**
     * The user as the directory has them now, when they sign in through it: a token or refresh token of theirs keeps
     * working only while the directory still has them, with the groups it lists now (read within the cache time).
     * While the directory is out, what their last sign-in said holds.
     */
    private Optional<UserAccount> directoryUser(UserAccount user) {
        if (!ldap.isDirectoryUser(user)) {
            return Optional.of(user);
        }
        try {
            return ldap.recheck(user.username());
        } catch (DirectoryUnavailableException e) {
            return Optional.of(user);
        }
    }

    /**
     * Whether the user may sign in with their password: not when disabled, and with
     * {@code stowage.auth.oidc.password-sign-in=administrator} only the administrator (break glass).
     */
    private boolean maySignInWithAPassword(UserAccount user) {
        return !user.disabled() && (passwordSignIn == StowageProperties.PasswordSignIn.ALL
                || user.username().equals(administrator));
    }

    /** The token's user's identity narrowed by it, if it is that user's, unexpired, and the user may sign in. */
    private Optional<Identity> accessToken(Optional<AccessToken> found, String username) {
        return found.filter(token -> token.user().username().equals(username) && !token.user().disabled()
                        && !token.expiredBy(clock.instant()))
                .map(token -> {
                    tokens.touch(token.id());
                    return userIdentity(token.user()).narrowedTo(token.narrowing());
                });
    }

    private Identity userIdentity(UserAccount user) {
        List<RoleGrant> roles = new ArrayList<>(teams.rolesOfUser(user.username()));
        teams.rolesOfUserGroups(user.username()).stream().filter(role -> !roles.contains(role)).forEach(roles::add);
        return Identity.user(user.username(), user.admin(), grants(policies.forUser(user.username())), roles);
    }

    private Optional<Identity> robotIdentity(RobotAccount robot) {
        if (robot.disabled() || robot.expiredBy(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(Identity.robot(robot.name(), grants(policies.forRobot(robot.name())),
                teams.rolesOfRobot(robot.name())));
    }

    private static List<Grant> grants(List<Policy> policies) {
        return policies.stream().map(Policy::grant).toList();
    }

    /** The cache behind this, for its metrics. */
    Cache<?, ?> cache() {
        return bySubject;
    }

    /** Credentials that matched: whose they are, and the stored hash they matched (never the password itself). */
    public record Authenticated(Identity identity, String storedHash) {
    }
}
