package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code access_policies} table. */
@Repository
public class PolicyRecords {

    private static final String SELECT = """
            select p.id, p.repository_pattern, u.username, r.name, p.actions, p.created_by, p.created_at
            from access_policies p
            left join users u on u.id = p.user_id
            left join robot_accounts r on r.id = p.robot_id""";

    private final JdbcClient jdbc;

    public PolicyRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A policy for a user; empty when the user does not exist. */
    public Optional<Long> insertForUser(String username, String pattern, List<String> actions, String createdBy) {
        return jdbc.sql("""
                insert into access_policies (repository_pattern, user_id, actions, created_by)
                select ?, id, ?, ? from users where username = ? returning id""")
                .param(pattern).param(actions.toArray(String[]::new)).param(createdBy).param(username)
                .query(Long.class).optional();
    }

    /** A policy (permission) for a robot; empty when the robot does not exist. */
    public Optional<Long> insertForRobot(String robot, String pattern, List<String> actions, String createdBy) {
        return jdbc.sql("""
                insert into access_policies (repository_pattern, robot_id, actions, created_by)
                select ?, id, ?, ? from robot_accounts where name = ? returning id""")
                .param(pattern).param(actions.toArray(String[]::new)).param(createdBy).param(robot)
                .query(Long.class).optional();
    }

    public List<PolicyRecord> list() {
        return jdbc.sql(SELECT + " order by p.id").query(PolicyRecords::map).list();
    }

    public Optional<PolicyRecord> find(long id) {
        return jdbc.sql(SELECT + " where p.id = ?").param(id).query(PolicyRecords::map).optional();
    }

    public List<PolicyRecord> forUser(String username) {
        return jdbc.sql(SELECT + " where u.username = ? order by p.id").param(username).query(PolicyRecords::map).list();
    }

    public List<PolicyRecord> forRobot(String robot) {
        return jdbc.sql(SELECT + " where r.name = ? order by p.id").param(robot).query(PolicyRecords::map).list();
    }

    public boolean delete(long id) {
        return jdbc.sql("delete from access_policies where id = ?").param(id).update() == 1;
    }

    private static PolicyRecord map(ResultSet rs, int row) throws SQLException {
        String[] actions = (String[]) rs.getArray(5).getArray();
        return new PolicyRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Arrays.asList(actions), rs.getString(6), rs.getTimestamp(7).toInstant());
    }
}
