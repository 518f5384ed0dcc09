package io.stowage.metadata;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code users} table: who may ask the token endpoint for access. */
@Repository
public class UserRecords {

    private static final String COLUMNS = "id, username, password_hash, admin, disabled";

    private final JdbcClient jdbc;

    public UserRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** False when the name is taken (another node may have created the same user a moment earlier). */
    public boolean insertIfAbsent(String username, String passwordHash, boolean admin) {
        return jdbc.sql("insert into users (username, password_hash, admin) values (?, ?, ?)"
                        + " on conflict (username) do nothing")
                .param(username).param(passwordHash).param(admin).update() == 1;
    }

    public Optional<UserRecord> findByUsername(String username) {
        return jdbc.sql("select " + COLUMNS + " from users where username = ?").param(username)
                .query(UserRecords::map).optional();
    }

    public Optional<UserRecord> findById(long id) {
        return jdbc.sql("select " + COLUMNS + " from users where id = ?").param(id)
                .query(UserRecords::map).optional();
    }

    public void update(long id, String passwordHash, boolean admin) {
        jdbc.sql("update users set password_hash = ?, admin = ? where id = ?")
                .param(passwordHash).param(admin).param(id).update();
    }

    public java.util.List<UserRecord> list() {
        return jdbc.sql("select " + COLUMNS + " from users order by username").query(UserRecords::map).list();
    }

    public boolean setDisabled(String username, boolean disabled) {
        return jdbc.sql("update users set disabled = ? where username = ?").param(disabled).param(username)
                .update() == 1;
    }

    public boolean delete(String username) {
        return jdbc.sql("delete from users where username = ?").param(username).update() == 1;
    }

    private static UserRecord map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new UserRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5));
    }
}
