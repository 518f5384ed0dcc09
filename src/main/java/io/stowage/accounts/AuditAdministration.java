package io.stowage.accounts;

import java.util.List;

import io.stowage.metadata.AuditEvent;
import io.stowage.metadata.AuditRecords;
import org.springframework.stereotype.Service;

/** Reading the audit trail (administrators only): newest first, in pages, optionally for one actor or action. */
@Service
public class AuditAdministration {

    private final AuditRecords records;

    public AuditAdministration(AuditRecords records) {
        this.records = records;
    }

    /** One page of events; {@code nextBefore} is what to pass as {@code before} for the next one, null at the end. */
    public record AuditPage(List<AuditEvent> events, Long nextBefore) {
    }

    /** Up to {@code limit} events older than the event {@code before} (null: the newest). */
    public AuditPage page(Actor caller, String actor, String action, Long before, int limit) {
        caller.requireAdmin();
        List<AuditEvent> events = records.list(before, blankToNull(actor), blankToNull(action), limit + 1);
        if (events.size() <= limit) {
            return new AuditPage(events, null);
        }
        List<AuditEvent> page = events.subList(0, limit);
        return new AuditPage(List.copyOf(page), page.getLast().id());
    }

    /** An empty filter, as a form leaves it, filters nothing. */
    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
