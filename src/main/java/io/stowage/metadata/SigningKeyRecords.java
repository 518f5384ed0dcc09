package io.stowage.metadata;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code signing_keys} table: the keys tokens are signed with, shared by every node. */
@Repository
public class SigningKeyRecords {

    private static final String COLUMNS = "kid, algorithm, private_key, private_key_sealed, public_key, created_at";

    private final JdbcClient jdbc;

    public SigningKeyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String kid, String algorithm, String sealedPrivateKey, byte[] publicKey) {
        jdbc.sql("insert into signing_keys (kid, algorithm, private_key_sealed, public_key) values (?, ?, ?, ?)")
                .param(kid).param(algorithm).param(sealedPrivateKey).param(publicKey).update();
    }

    /** The unretired keys, newest first. */
    public List<SigningKeyRecord> active() {
        return jdbc.sql("select " + COLUMNS + " from signing_keys where retired_at is null"
                        + " order by created_at desc, kid")
                .query((rs, row) -> new SigningKeyRecord(rs.getString(1), rs.getString(2), rs.getBytes(3),
                        rs.getString(4), rs.getBytes(5), rs.getTimestamp(6).toInstant()))
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

    /**
     * Replaces an active key's private half, unencrypted or sealed under an older key-encryption key, with
     * {@code sealed}, unless another node changed it meanwhile (then it is left as that node made it).
     */
    public boolean reseal(SigningKeyRecord key, String sealed) {
        return jdbc.sql("update signing_keys set private_key = null, private_key_sealed = ? where kid = ?"
                        + " and private_key is not distinct from ? and private_key_sealed is not distinct from ?")
                .param(sealed).param(key.kid()).param(key.plainPrivateKey()).param(key.sealedPrivateKey())
                .update() == 1;
    }

    /** Retires a key and forgets its private half, which nothing may sign with any more. */
    public boolean retire(String kid) {
        return jdbc.sql("update signing_keys set retired_at = now(), private_key = null, private_key_sealed = null"
                        + " where kid = ? and retired_at is null")
                .param(kid).update() == 1;
    }

    /** Forgets the private halves of keys retired before they were cleared at retirement; returns how many. */
    public int forgetRetiredPrivateKeys() {
        return jdbc.sql("update signing_keys set private_key = null, private_key_sealed = null"
                        + " where retired_at is not null and (private_key is not null or private_key_sealed is not null)")
                .update();
    }
}
