package io.stowage.auth;

/** Who is asking for a token: an authenticated user, or {@link #ANONYMOUS} (empty name, as the {@code sub} claim). */
public record Identity(String username, boolean admin) {

    public static final Identity ANONYMOUS = new Identity("", false);

    public boolean anonymous() {
        return username.isEmpty();
    }
}
