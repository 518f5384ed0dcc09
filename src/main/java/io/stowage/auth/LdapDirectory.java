package io.stowage.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import io.stowage.outage.DirectoryUnavailableException;
import io.stowage.outage.OutageLog;
import org.springframework.ldap.AuthenticationException;
import org.springframework.ldap.core.AttributesMapper;
import org.springframework.ldap.core.ContextMapper;
import org.springframework.ldap.core.DirContextAdapter;
import org.springframework.ldap.core.LdapTemplate;
import org.springframework.ldap.core.support.LdapContextSource;
import org.springframework.ldap.query.LdapQueryBuilder;
import org.springframework.ldap.support.LdapEncoder;
import org.springframework.stereotype.Component;

/**
 * The LDAP directory of {@code stowage.auth.ldap}, through Spring LDAP: a user is found by {@code user-search-filter}
 * (searching as {@code manager-dn}, or anonymously) and their password checked by binding as their entry; their
 * groups are the {@code group-name-attribute} of the entries {@code group-search-filter} finds. Connections are
 * pooled (JNDI's pool) and every connection and answer is bounded by {@code timeout}: a directory out of reach is a
 * {@link DirectoryUnavailableException} (503), never a wait without end, nor a "wrong password".
 */
@Component
public class LdapDirectory {

    private final StowageProperties.Ldap settings;
    private final OutageLog outages;
    private final LdapContextSource source;
    private final LdapTemplate template;

    public LdapDirectory(StowageProperties properties, OutageLog outages) {
        this.settings = properties.auth().ldap();
        this.outages = outages;
        if (!settings.enabled()) {
            this.source = null;
            this.template = null;
            return;
        }
        source = new LdapContextSource();
        source.setUrls(new String[] {settings.url().toString()});
        source.setBase(settings.base());
        if (settings.managerDn() != null && !settings.managerDn().isBlank()) {
            source.setUserDn(settings.managerDn());
            source.setPassword(settings.managerPassword() == null ? "" : settings.managerPassword());
        } else {
            source.setAnonymousReadOnly(true);
        }
        String millis = Long.toString(settings.timeout().toMillis());
        source.setBaseEnvironmentProperties(Map.of(
                "com.sun.jndi.ldap.connect.timeout", millis,
                "com.sun.jndi.ldap.read.timeout", millis));
        source.setPooled(true);
        source.afterPropertiesSet();
        template = new LdapTemplate(source);
        template.setIgnorePartialResultException(true);
    }

    /** A directory user: the DN of their entry, and the names of their groups. */
    public record Account(String dn, Set<String> groups) {
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The directory's address, naming it as the issuer of the identities it links. */
    public String url() {
        return settings.url().toString();
    }

    /**
     * The directory's user of that name, if the password is theirs.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked now
     */
    public Optional<Account> authenticate(String username, String password) {
        if (!enabled() || password.isEmpty()) {
            return Optional.empty(); // an empty password would be an anonymous bind, which "succeeds"
        }
        return ask(() -> find(username).filter(dn -> binds(dn, password)).map(dn -> account(dn, username)));
    }

    /**
     * The directory's user of that name as it is now (their groups), without their password: a remembered sign-in
     * re-checked. Empty when the directory has no such user any more.
     *
     * @throws DirectoryUnavailableException when the directory cannot be asked now
     */
    public Optional<Account> lookUp(String username) {
        if (!enabled()) {
            return Optional.empty();
        }
        return ask(() -> find(username).map(dn -> account(dn, username)));
    }

    /** The DN (relative to the base) of the one entry the user filter finds for the name. */
    private Optional<String> find(String username) {
        List<String> found = template.search(LdapQueryBuilder.query().base(settings.userSearchBase())
                        .filter(settings.userSearchFilter().replace("{0}", LdapEncoder.filterEncode(username))),
                (ContextMapper<String>) context -> ((DirContextAdapter) context).getDn().toString());
        return found.size() == 1 ? Optional.of(found.getFirst()) : Optional.empty();
    }

    private boolean binds(String dn, String password) {
        try {
            source.getContext(absolute(dn), password).close();
            return true;
        } catch (AuthenticationException e) {
            return false;
        } catch (javax.naming.NamingException e) {
            return true; // bound; closing failed
        }
    }

    private Account account(String dn, String username) {
        String filter = settings.groupSearchFilter().replace("{0}", LdapEncoder.filterEncode(absolute(dn)))
                .replace("{1}", LdapEncoder.filterEncode(username));
        List<String> names = template.search(LdapQueryBuilder.query().base(settings.groupSearchBase()).filter(filter),
                (AttributesMapper<String>) attributes -> {
                    var name = attributes.get(settings.groupNameAttribute());
                    return name == null ? null : String.valueOf(name.get());
                });
        Set<String> groups = new LinkedHashSet<>();
        names.stream().filter(n -> n != null && !n.isBlank()).forEach(groups::add);
        return new Account(absolute(dn), groups);
    }

    private String absolute(String dn) {
        return settings.base().isEmpty() ? dn : dn + "," + settings.base();
    }

    private <T> Optional<T> ask(java.util.function.Supplier<Optional<T>> question) {
        try {
            Optional<T> answer = question.get();
            outages.available(Dependency.DIRECTORY);
            return answer;
        } catch (RuntimeException e) {
            DirectoryUnavailableException unavailable = new DirectoryUnavailableException(
                    "the LDAP directory " + settings.url() + " cannot be asked now: " + e.getMessage(), e);
            outages.refused(Dependency.DIRECTORY, unavailable);
            throw unavailable;
        }
    }
}
