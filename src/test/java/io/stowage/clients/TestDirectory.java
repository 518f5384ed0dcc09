package io.stowage.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldif.LDIFException;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A real LDAP directory in the test JVM (UnboundID's in-memory server) on a loopback port of its own, which a test may
 * stop and start again on the same port; as an initializer, it configures the registry's {@code stowage.auth.ldap}
 * for it. Its users {@link #ERIN} and {@link #FRANK} (password {@link #PASSWORD}) are in the group
 * {@link #GROUP}.
 */
public final class TestDirectory implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String BASE = "dc=example,dc=com";
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    static final String ERIN = "erin" + SUFFIX;
    static final String FRANK = "frank" + SUFFIX;
    static final String PASSWORD = "directory-password-1";
    static final String GROUP = "platform";
    static final String GROUP_DN = "cn=" + GROUP + ",ou=groups," + BASE;
    private static InMemoryDirectoryServer server;
    private static int port;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        start();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("ldap-test", Map.of(
                "stowage.auth.ldap.url", "ldap://127.0.0.1:" + port,
                "stowage.auth.ldap.base", BASE,
                "stowage.auth.ldap.user-search-base", "ou=people",
                "stowage.auth.ldap.group-search-base", "ou=groups",
                "stowage.auth.ldap.timeout", "2s")));
    }

    /** Starts the directory (the first time, with its entries; later, again on the same port). */
    static synchronized void start() {
        try {
            if (server == null) {
                try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    port = socket.getLocalPort();
                }
                InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
                config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("default",
                        InetAddress.getLoopbackAddress(), port, null));
                server = new InMemoryDirectoryServer(config);
                server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
                server.add("dn: ou=people," + BASE, "objectClass: top", "objectClass: organizationalUnit",
                        "ou: people");
                server.add("dn: ou=groups," + BASE, "objectClass: top", "objectClass: organizationalUnit",
                        "ou: groups");
                for (String user : new String[] {ERIN, FRANK}) {
                    server.add("dn: " + dn(user), "objectClass: top", "objectClass: person",
                            "objectClass: organizationalPerson", "objectClass: inetOrgPerson", "uid: " + user,
                            "cn: " + user, "sn: " + user, "userPassword: " + PASSWORD);
                }
                server.add("dn: " + GROUP_DN, "objectClass: top", "objectClass: groupOfNames", "cn: " + GROUP,
                        "member: " + dn(ERIN), "member: " + dn(FRANK));
            }
            server.startListening();
        } catch (LDAPException | LDIFException | IOException e) {
            throw new IllegalStateException("cannot start the test directory", e);
        }
    }

    /** Stops answering, as a directory that is down: connections are refused. */
    static synchronized void stop() {
        server.shutDown(true);
    }

    /** Takes the user out of {@link #GROUP}. */
    static void leaveGroup(String user) {
        try {
            server.modify(GROUP_DN, new Modification(ModificationType.DELETE, "member", dn(user)));
        } catch (LDAPException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    static String dn(String user) {
        return "uid=" + user + ",ou=people," + BASE;
    }
}
