package io.stowage.accounts;

/**
 * Published when a user, robot or access policy changes, so that this node drops what it remembers about sign-ins and
 * identities at once (other nodes follow within their cache times). {@code subject} is the account's, or for a team
 * mapped to identity providers' groups, {@code <organization>/<team>}: what changed for users it cannot name.
 */
public record AccountsChanged(String subject) {
}
