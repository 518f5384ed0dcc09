package io.stowage.metadata;

import java.time.Instant;

/** One row of {@code audit_events}: who ({@code actor}, empty for anonymous) did what, to what, when, from where. */
public record AuditEvent(long id, Instant occurredAt, String actor, String address, String action, String target,
                         String detail) {
}
