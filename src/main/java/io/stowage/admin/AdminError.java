package io.stowage.admin;

/** The body of every admin API error: a stable machine-readable {@code error} code and a message for people. */
public record AdminError(String error, String message) {
}
