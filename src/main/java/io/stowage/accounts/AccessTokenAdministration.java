package io.stowage.accounts;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.stowage.config.StowageProperties;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Users' personal access tokens: created by the user themselves (signed in with their own credentials, not with
 * another token), shown once, listed by name with their scope, expiry and last use, and revoked by the user or an
 * administrator. A revoked token stops at once on this node, its refresh tokens with it, and on every node within the
 * identity cache time.
 */
@Service
public class AccessTokenAdministration {

    /** How every secret starts, so that secret scanners and people can tell what one is. */
    public static final String SECRET_PREFIX = "stw_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_TOKENS = 100;

    private final AccessTokenRepository tokens;
    private final UserRepository users;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;
    private final Clock clock;
    private final StowageProperties.AccessTokens settings;

    public AccessTokenAdministration(AccessTokenRepository tokens, UserRepository users,
                                     ApplicationEventPublisher events, ChangeAudit audit, Clock clock,
                                     StowageProperties properties) {
        this.tokens = tokens;
        this.users = users;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
        this.settings = properties.auth().accessTokens();
    }

    /**
     * A token to create: {@code scope} is {@code read} (pull), {@code write} (and push) or {@code delete} (and
     * delete); {@code repository} an optional pattern ({@code *}: any characters); {@code expiresAt} optional.
     */
    public record NewToken(@NotNull String name, @NotNull String scope, String repository, Instant expiresAt)
            implements StrictRequestBody {
    }

    /** A token as listed: never its secret. */
    public record TokenView(String name, String scope, String repository, Instant createdAt, Instant expiresAt,
                            boolean expired, Instant lastUsedAt) {
    }

    /** A token just created, with its secret: shown this once and never again. */
    public record CreatedTokenView(String name, String username, String secret, String scope, String repository,
                                   Instant expiresAt) {
        @Override
        public String toString() {
            return "CreatedTokenView[name=" + name + "]";
        }
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public CreatedTokenView create(Actor caller, String username, NewToken request) {
        if (!caller.isUser(username) || caller.identity().token() != null) {
            throw ActionRefused.forbidden("a personal access token is created by its user, signed in with their own"
                    + " credentials (not with another token)");
        }
        if (!NAME.matcher(request.name()).matches()) {
            throw ActionRefused.invalid("invalid token name: 1 to 64 letters, digits and . _ -, starting with a"
                    + " letter or digit");
        }
        TokenScope.Scope scope = TokenScope.Scope.of(request.scope());
        RepositoryPattern pattern = request.repository() == null || request.repository().isBlank() ? null
                : RepositoryPattern.of(request.repository());
        Instant now = clock.instant();
        Instant expiresAt = request.expiresAt() == null ? now.plus(settings.defaultLifetime()) : request.expiresAt();
        if (!expiresAt.isAfter(now)) {
            throw ActionRefused.invalid("expiresAt must lie in the future");
        }
        if (expiresAt.isAfter(now.plus(settings.maxLifetime()))) {
            throw ActionRefused.invalid("expiresAt lies beyond the longest lifetime of a token ("
                    + settings.maxLifetime().toDays() + " days)");
        }
        UserAccount user = users.findByUsername(username).orElseThrow(
                () -> ActionRefused.notFound("no user named " + username));
        if (tokens.find(username, request.name()).isPresent()) {
            throw ActionRefused.nameTaken("a token named " + request.name() + " exists already");
        }
        if (tokens.ofUser(username).size() >= MAX_TOKENS) {
            throw ActionRefused.conflict("a user has at most " + MAX_TOKENS + " tokens: revoke one first");
        }
        String secret = newSecret();
        AccessToken token;
        try {
            token = tokens.saveAndFlush(new AccessToken(user, request.name(), SecretHash.of(secret), scope, pattern,
                    expiresAt));
        } catch (DataIntegrityViolationException e) {
            throw ActionRefused.nameTaken("a token named " + request.name() + " exists already");
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("scope", scope.label());
        detail.put("repository", token.repositoryPattern());
        detail.put("expiresAt", expiresAt.toString());
        audit.record(caller, ChangeAudit.TOKEN_CREATE, username + "/" + request.name(), detail);
        return new CreatedTokenView(token.name(), username, secret, scope.label(), token.repositoryPattern(),
                token.expiresAt());
    }

    /** The user's tokens, for the user and administrators. */
    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public List<TokenView> list(Actor caller, String username) {
        requireUserOrAdmin(caller, username);
        users.findByUsername(username).orElseThrow(() -> ActionRefused.notFound("no user named " + username));
        return tokens.ofUser(username).stream().map(this::view).toList();
    }

    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public TokenView get(Actor caller, String username, String name) {
        requireUserOrAdmin(caller, username);
        return view(find(username, name));
    }

    /** Revokes (deletes) the token: it, and the refresh tokens of sign-ins with it, stop working at once. */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void revoke(Actor caller, String username, String name) {
        requireUserOrAdmin(caller, username);
        tokens.delete(find(username, name));
        tokens.flush();
        events.publishEvent(new AccountsChanged(username));
        audit.record(caller, ChangeAudit.TOKEN_REVOKE, username + "/" + name, null);
    }

    /** The user themselves (with or without a token: revoking one's own token is always allowed), or an admin. */
    private static void requireUserOrAdmin(Actor caller, String username) {
        if (!caller.admin() && !caller.isUser(username)) {
            throw ActionRefused.forbidden("only " + username + " and administrators may see and revoke "
                    + username + "'s tokens");
        }
    }

    private AccessToken find(String username, String name) {
        return tokens.find(username, name)
                .orElseThrow(() -> ActionRefused.notFound("no token named " + name + " of " + username));
    }

    private TokenView view(AccessToken token) {
        return new TokenView(token.name(), token.scope().label(), token.repositoryPattern(), token.createdAt(),
                token.expiresAt(), token.expiredBy(clock.instant()), token.lastUsedAt());
    }

    private static String newSecret() {
        return SECRET_PREFIX + SecretHash.newSecret();
    }
}
