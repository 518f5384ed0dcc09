package io.stowage.accounts;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** The {@code access_policies} table; every query fetches the user or robot a policy names with it. */
public interface PolicyRepository extends JpaRepository<Policy, Long> {

    String SELECT = "select p from Policy p left join fetch p.user u left join fetch p.robot r ";

    @Query(SELECT + "order by p.id")
    List<Policy> listAll();

    @Query(SELECT + "where p.id = :id")
    Optional<Policy> find(long id);

    @Query(SELECT + "where u.username = :username order by p.id")
    List<Policy> forUser(String username);

    @Query(SELECT + "where r.name = :robot order by p.id")
    List<Policy> forRobot(String robot);
}
