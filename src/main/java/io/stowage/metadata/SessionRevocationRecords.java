package io.stowage.metadata;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Web UI sessions ended by signing out before they expire, kept until they would have expired. */
@Repository
public class SessionRevocationRecords {

    private final JdbcClient jdbc;

    public SessionRevocationRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the session as ended, and forgets those past their expiry, which no node accepts anyway. */
    public void revoke(String sessionId, Instant expiresAt) {
        jdbc.sql("""
                insert into ui_session_revocations (session_id, expires_at) values (?, ?)
                on conflict (session_id) do nothing""")
                .param(sessionId).param(Timestamp.from(expiresAt)).update();
        jdbc.sql("delete from ui_session_revocations where expires_at < now()").update();
    }

    public boolean isRevoked(String sessionId) {
        return jdbc.sql("select exists (select 1 from ui_session_revocations where session_id = ?)")
                .param(sessionId).query(Boolean.class).single();
    }
}
