package io.stowage.accounts;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.orm.jpa.JpaTransactionManager;

/**
 * The account domain's entities and repositories live on JPA; the registry's hot paths keep plain SQL on
 * {@link JdbcTransactionManager}, which stays the primary transaction manager, so that a push or a pull never opens a
 * Hibernate session. The account services run in {@link #TRANSACTIONS}, whose transactions the registry's SQL (the
 * audit trail, refresh tokens) joins on the same connection.
 */
@Configuration(proxyBeanMethods = false)
@EnableJpaRepositories(basePackageClasses = AccountsPersistence.class, transactionManagerRef =
        AccountsPersistence.TRANSACTIONS)
public class AccountsPersistence {

    /** The transaction manager of the account services, as {@code @Transactional(TRANSACTIONS)} names it. */
    public static final String TRANSACTIONS = "accountsTransactionManager";

    @Bean
    @Primary
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean(TRANSACTIONS)
    JpaTransactionManager accountsTransactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }
}
