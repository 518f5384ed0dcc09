package io.stowage.metadata;

import java.sql.Timestamp;
import java.time.Instant;

/** Nullable SQL timestamps as instants, for the row mappers. */
final class Timestamps {

    private Timestamps() {
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
