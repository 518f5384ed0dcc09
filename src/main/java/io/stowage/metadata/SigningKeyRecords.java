package io.stowage.metadata;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code signing_keys} table: the keys tokens are signed with, shared by every node. */
@Repository
public class SigningKeyRecords {

    private final JdbcClient jdbc;

    public SigningKeyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String kid, String algorithm, byte[] privateKey, byte[] publicKey) {
        jdbc.sql("insert into signing_keys (kid, algorithm, private_key, public_key) values (?, ?, ?, ?)")
                .param(kid).param(algorithm).param(privateKey).param(publicKey).update();
    }

    /** The unretired keys, newest first. */
    public List<SigningKeyRecord> active() {
        return jdbc.sql("select kid, algorithm, private_key, public_key, created_at from signing_keys"
                        + " where retired_at is null order by created_at desc, kid")
                .query((rs, row) -> new SigningKeyRecord(rs.getString(1), rs.getString(2), rs.getBytes(3),
                        rs.getBytes(4), rs.getTimestamp(5).toInstant()))
                .list();
    }

    /** Every key, retired ones too, newest first, without the key material. */
    public List<SigningKeySummary> summaries() {
        return jdbc.sql("select kid, algorithm, created_at, retired_at from signing_keys order by created_at desc, kid")
                .query((rs, row) -> new SigningKeySummary(rs.getString(1), rs.getString(2),
                        rs.getTimestamp(3).toInstant(),
                        Timestamps.instant(rs.getTimestamp(4))))
                .list();
    }

    public boolean retire(String kid) {
        return jdbc.sql("update signing_keys set retired_at = now() where kid = ? and retired_at is null")
                .param(kid).update() == 1;
    }
}
