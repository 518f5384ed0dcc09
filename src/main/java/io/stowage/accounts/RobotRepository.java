package io.stowage.accounts;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** The {@code robot_accounts} table. */
public interface RobotRepository extends JpaRepository<RobotAccount, Long> {

    Optional<RobotAccount> findByName(String name);

    List<RobotAccount> findAllByOrderByName();

    /** 1 when the robot existed; its permissions and refresh tokens go with it (on delete cascade). */
    @Transactional
    @Modifying(clearAutomatically = true)
    @Query("delete from RobotAccount r where r.name = :name")
    int deleteByName(String name);

    /** Records a successful sign-in, at most once a minute per robot so busy CI does not write on every request. */
    @Transactional
    @Modifying
    @Query(value = """
            update robot_accounts set last_used_at = now()
            where id = :id and (last_used_at is null or last_used_at < now() - interval '1 minute')""",
            nativeQuery = true)
    int touch(long id);
}
