package io.stowage.accounts;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** The {@code access_tokens} table. */
public interface AccessTokenRepository extends JpaRepository<AccessToken, Long> {

    @Query("select t from AccessToken t join fetch t.user where t.secretHash = :secretHash")
    Optional<AccessToken> findBySecret(byte[] secretHash);

    @Query("select t from AccessToken t join fetch t.user where t.id = :id")
    Optional<AccessToken> findWithUser(long id);

    @Query("select t from AccessToken t where t.user.username = :username order by t.name")
    List<AccessToken> ofUser(String username);

    @Query("select t from AccessToken t where t.user.username = :username and t.name = :name")
    Optional<AccessToken> find(String username, String name);

    /** Records a use, at most once a minute per token so a busy client does not write on every request. */
    @Transactional
    @Modifying
    @Query(value = """
            update access_tokens set last_used_at = now()
            where id = :id and (last_used_at is null or last_used_at < now() - interval '1 minute')""",
            nativeQuery = true)
    int touch(long id);
}
