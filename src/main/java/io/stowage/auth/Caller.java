package io.stowage.auth;

import java.util.function.Supplier;

import io.stowage.metadata.RepositoryFilter;

/**
 * Who made a /v2/ request, as the authorization filter established it, for the controllers that must narrow what they
 * do to what the caller may see (the catalog, mounts) and for the audit trail.
 */
public final class Caller {

    /** The request attribute holding the caller. */
    public static final String ATTRIBUTE = "io.stowage.caller";

    private final String subject;
    private final String address;
    private final Supplier<RepositoryFilter> readable;

    public Caller(String subject, String address, Supplier<RepositoryFilter> readable) {
        this.subject = subject;
        this.address = address;
        this.readable = readable;
    }

    /** Anyone, allowed everything ({@code stowage.auth.mode=none}). */
    public static Caller unrestricted(String address) {
        return new Caller("", address, () -> RepositoryFilter.ALL);
    }

    /**
     * The token subject or username; empty for anonymous; {@code <sub>@<issuer>} for a token of a trusted external
     * issuer, whose subjects are not Stowage's users.
     */
    public String subject() {
        return subject;
    }

    /** The client's address. */
    public String address() {
        return address;
    }

    /** The repositories the caller may pull. */
    public RepositoryFilter readable() {
        return readable.get();
    }
}
