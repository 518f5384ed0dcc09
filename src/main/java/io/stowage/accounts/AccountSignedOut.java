package io.stowage.accounts;

/**
 * What an account signed in with no longer holds: its password or secret changed, or it was disabled or deleted.
 * Whatever keeps a sign-in beyond one request (the web UI's sessions) ends it, so that a session never outlives its
 * credentials, and a deleted account's sessions never come back to a new account of the same name.
 *
 * @param subject the username, or {@code robot+<name>}
 * @param reason what happened, for the log
 */
public record AccountSignedOut(String subject, String reason) {
}
