package io.stowage.metadata;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code refresh_tokens} table: long-lived tokens, kept as SHA-256 hashes, each bound to a user or a robot, a
 * service and an expiry.
 */
@Repository
public class RefreshTokenRecords {

    private final JdbcClient jdbc;

    public RefreshTokenRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code accessToken}: the personal access token the sign-in used, with which the refresh token dies; or null. */
    public void insertForUser(byte[] tokenHash, String username, String service, Instant expiresAt, Long accessToken) {
        jdbc.sql("""
                insert into refresh_tokens (token_hash, user_id, service, expires_at, access_token_id)
                select ?, id, ?, ?, ? from users where username = ?""")
                .param(tokenHash).param(service).param(Timestamp.from(expiresAt)).param(accessToken)
                .param(username).update();
    }

    public void insertForRobot(byte[] tokenHash, String robot, String service, Instant expiresAt) {
        jdbc.sql("""
                insert into refresh_tokens (token_hash, robot_id, service, expires_at)
                select ?, id, ?, ? from robot_accounts where name = ?""")
                .param(tokenHash).param(service).param(Timestamp.from(expiresAt)).param(robot).update();
    }

    /**
     * The username, or {@code robot+<name>}, the token was issued to, if it exists, was issued for {@code service}
     * and has not expired (it is deleted with the personal access token it came from).
     */
    public Optional<Holder> findSubject(byte[] tokenHash, String service, String robotPrefix) {
        return jdbc.sql("""
                select coalesce(u.username, ? || r.name) as subject, t.access_token_id from refresh_tokens t
                left join users u on u.id = t.user_id
                left join robot_accounts r on r.id = t.robot_id
                where t.token_hash = ? and t.service = ? and (t.expires_at is null or t.expires_at > now())""")
                .param(robotPrefix).param(tokenHash).param(service)
                .query((rs, n) -> new Holder(rs.getString("subject"), rs.getObject("access_token_id", Long.class)))
                .optional();
    }

    /** Whom a refresh token was issued to, and the personal access token that sign-in used (or null). */
    public record Holder(String subject, Long accessToken) {
    }

    /** Deletes every refresh token of the user (after a password change, so other sessions must sign in again). */
    public int deleteForUser(String username) {
        return jdbc.sql("delete from refresh_tokens where user_id = (select id from users where username = ?)")
                .param(username).update();
    }

    /** Deletes expired tokens; the number deleted. */
    public int deleteExpired() {
        return jdbc.sql("delete from refresh_tokens where expires_at <= now()").update();
    }
}
