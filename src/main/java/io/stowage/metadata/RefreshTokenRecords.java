package io.stowage.metadata;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code refresh_tokens} table: long-lived tokens, kept as SHA-256 hashes, each bound to a user and a service. */
@Repository
public class RefreshTokenRecords {

    private final JdbcClient jdbc;

    public RefreshTokenRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(byte[] tokenHash, long userId, String service) {
        jdbc.sql("insert into refresh_tokens (token_hash, user_id, service) values (?, ?, ?)")
                .param(tokenHash).param(userId).param(service).update();
    }

    /** The id of the user the token was issued to, if it exists and was issued for {@code service}. */
    public Optional<Long> findUserId(byte[] tokenHash, String service) {
        return jdbc.sql("select user_id from refresh_tokens where token_hash = ? and service = ?")
                .param(tokenHash).param(service).query(Long.class).optional();
    }
}
