package io.stowage.accounts;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** The {@code users} table. */
public interface UserRepository extends JpaRepository<UserAccount, Long> {

    Optional<UserAccount> findByUsername(String username);

    List<UserAccount> findAllByOrderByUsername();

    /**
     * Creates the user unless the name is taken; 0 when it is (another node may have created the same user a moment
     * earlier: the unique name decides, without an error that would end the transaction).
     */
    @Transactional
    @Modifying
    @Query(value = "insert into users (username, password_hash, admin) values (:username, :passwordHash, :admin)"
            + " on conflict (username) do nothing", nativeQuery = true)
    int insertIfAbsent(String username, String passwordHash, boolean admin);

    /** 1 when the user existed; its policies and refresh tokens go with it (on delete cascade). */
    @Transactional
    @Modifying(clearAutomatically = true)
    @Query("delete from UserAccount u where u.username = :username")
    int deleteByUsername(String username);
}
