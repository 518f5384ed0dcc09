package io.stowage.accounts;

/**
 * Published when a user, robot or access policy changes, so that this node drops what it remembers about sign-ins and
 * identities at once (other nodes follow within their cache times).
 */
public record AccountsChanged(String subject) {
}
