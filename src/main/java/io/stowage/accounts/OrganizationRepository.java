package io.stowage.accounts;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

/** The {@code organizations} table. */
public interface OrganizationRepository extends JpaRepository<Organization, Long> {

    Optional<Organization> findByName(String name);

    boolean existsByName(String name);

    List<Organization> findAllByOrderByName();

    List<Organization> findByNameInOrderByName(Collection<String> names);
}
