package io.stowage.admin;

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

    /**
     * Up to {@code n} events (1 to {@value PageSize#MAX}, default {@value PageSize#DEFAULT}) older than the event
     * {@code before}; {@code n} and {@code before} come as the query gave them and are checked here.
     */
    public AuditPage page(AdminCaller caller, String actor, String action, String before, String n) {
        caller.requireAdmin();
        int limit = PageSize.parse(n);
        Long beforeId = parseBefore(before);
        List<AuditEvent> events = records.list(beforeId, blankToNull(actor), blankToNull(action), limit + 1);
        if (events.size() <= limit) {
            return new AuditPage(events, null);
        }
        List<AuditEvent> page = events.subList(0, limit);
        return new AuditPage(List.copyOf(page), page.getLast().id());
    }

    private static Long parseBefore(String before) {
        if (before == null || before.isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(before);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw AdminException.invalid("before must be an event id (a positive integer), not " + shorten(before));
    }

    /** An empty filter, as a form leaves it, filters nothing. */
    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "…" : value;
    }
}
