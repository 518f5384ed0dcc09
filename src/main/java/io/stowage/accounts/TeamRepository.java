package io.stowage.accounts;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** The {@code teams} table, with their roles and members. */
public interface TeamRepository extends JpaRepository<Team, Long> {

    @Query("select t from Team t where t.organization.name = :organization order by t.name")
    List<Team> ofOrganization(String organization);

    @Query("select t from Team t where t.organization.name in :organizations order by t.name")
    List<Team> ofOrganizations(Collection<String> organizations);

    @Query("select t from Team t where t.organization.name = :organization and t.name = :name")
    Optional<Team> find(String organization, String name);

    /** The roles the teams a user is a member of give them, with each team's organization. */
    @Query("""
            select new io.stowage.accounts.RoleGrant(o.name, r.repositoryPattern, r.role)
            from Team t join t.organization o join t.roles r join t.users u where u.username = :username""")
    List<RoleGrant> rolesOfUser(String username);

    /** The roles the teams mapped to a user's groups (as of its last sign-in) give them. */
    @Query("""
            select new io.stowage.accounts.RoleGrant(o.name, r.repositoryPattern, r.role)
            from Team t join t.organization o join t.roles r join t.groups g, UserAccount u join u.groups ug
            where u.username = :username and ug.source = g.source and ug.name = g.name""")
    List<RoleGrant> rolesOfUserGroups(String username);

    /** The roles the teams a robot is a member of give it, with each team's organization. */
    @Query("""
            select new io.stowage.accounts.RoleGrant(o.name, r.repositoryPattern, r.role)
            from Team t join t.organization o join t.roles r join t.robots b where b.name = :robot""")
    List<RoleGrant> rolesOfRobot(String robot);

}
