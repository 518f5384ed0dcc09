package io.stowage.accounts;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

/** The {@code external_identities} table. */
public interface ExternalIdentityRepository extends JpaRepository<ExternalIdentity, Long> {

    Optional<ExternalIdentity> findByIssuerAndSubject(String issuer, String subject);

    boolean existsByUserIdAndIssuerStartingWith(long userId, String issuerPrefix);
}
