package io.stowage.distribution;

import java.util.List;

import io.stowage.accounts.Identity;
import io.stowage.auth.Caller;
import io.stowage.auth.VerifiedToken;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * Who a /v2/ request comes from, as {@link RegistryAuthenticationFilter} established it, for
 * {@link RegistryAccessManager} to decide on: nobody (anonymous), a Stowage token's account, a trusted external
 * issuer's token (its grants and nothing else), an account signed in with basic credentials, or anybody at all
 * ({@code stowage.auth.mode=none}). {@link #caller()} is what the controllers and the audit trail see.
 */
final class RegistryAuthentication extends AbstractAuthenticationToken {

    /** How the caller showed who they are. */
    enum Kind {
        UNRESTRICTED, ANONYMOUS, TOKEN, EXTERNAL_TOKEN, PASSWORD
    }

    private final Kind kind;
    private final Identity identity;
    private final VerifiedToken token;
    private final transient Caller caller;

    private RegistryAuthentication(Kind kind, Identity identity, VerifiedToken token, Caller caller) {
        super(List.of());
        this.kind = kind;
        this.identity = identity;
        this.token = token;
        this.caller = caller;
        setAuthenticated(true);
    }

    static RegistryAuthentication unrestricted(String address) {
        return new RegistryAuthentication(Kind.UNRESTRICTED, null, null, Caller.unrestricted(address));
    }

    static RegistryAuthentication anonymous(Caller caller) {
        return new RegistryAuthentication(Kind.ANONYMOUS, Identity.ANONYMOUS, null, caller);
    }

    static RegistryAuthentication token(Identity identity, VerifiedToken token, Caller caller) {
        return new RegistryAuthentication(Kind.TOKEN, identity, token, caller);
    }

    static RegistryAuthentication externalToken(VerifiedToken token, Caller caller) {
        return new RegistryAuthentication(Kind.EXTERNAL_TOKEN, null, token, caller);
    }

    static RegistryAuthentication password(Identity identity, Caller caller) {
        return new RegistryAuthentication(Kind.PASSWORD, identity, null, caller);
    }

    Kind kind() {
        return kind;
    }

    /** The account (anonymous included); null for an external token and when auth is off. */
    Identity identity() {
        return identity;
    }

    /** The bearer token, for the token kinds. */
    VerifiedToken token() {
        return token;
    }

    Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller.subject();
    }

    @Override
    public String getName() {
        return caller.subject();
    }
}
