package io.stowage.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code immutability_rules} table. */
@Repository
public class ImmutabilityRuleRecords {

    /** A rule as stored. */
    public record Row(long id, String repositoryPattern, List<String> tagPatterns, List<String> exceptions,
                      String description, String createdBy, Instant createdAt) {
    }

    private static final String COLUMNS =
            "select id, repository_pattern, tag_patterns, exceptions, description, created_by, created_at"
                    + " from immutability_rules";

    private final JdbcClient jdbc;

    public ImmutabilityRuleRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<Row> list() {
        return jdbc.sql(COLUMNS + " order by id").query(ImmutabilityRuleRecords::row).list();
    }

    public Optional<Row> find(long id) {
        return jdbc.sql(COLUMNS + " where id = ?").param(id).query(ImmutabilityRuleRecords::row).optional();
    }

    public Row insert(String repositoryPattern, List<String> tagPatterns, List<String> exceptions,
                      String description, String createdBy) {
        return jdbc.sql("""
                insert into immutability_rules (repository_pattern, tag_patterns, exceptions, description, created_by)
                values (?, ?, ?, ?, ?)
                returning id, repository_pattern, tag_patterns, exceptions, description, created_by, created_at""")
                .param(repositoryPattern).param(tagPatterns.toArray(String[]::new))
                .param(exceptions.toArray(String[]::new)).param(description).param(createdBy)
                .query(ImmutabilityRuleRecords::row).single();
    }

    public boolean delete(long id) {
        return jdbc.sql("delete from immutability_rules where id = ?").param(id).update() > 0;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getLong(1), rs.getString(2), strings(rs.getArray(3)), strings(rs.getArray(4)),
                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant());
    }

    private static List<String> strings(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
