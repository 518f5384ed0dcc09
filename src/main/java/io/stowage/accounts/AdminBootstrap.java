package io.stowage.accounts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import io.stowage.config.PrivateFiles;
import io.stowage.config.StowageProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Creates the first administrator at start: with {@code stowage.auth.admin.password} when it is set (and keeps the
 * stored password equal to it), else with a random password written to {@code <data-dir>/admin.password}, readable by
 * its owner only, and logged once, by the one node that created the user.
 */
@Component
public class AdminBootstrap implements SmartInitializingSingleton {

    static final String PASSWORD_FILE = "admin.password";
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

    private final Users users;
    private final StowageProperties properties;
    private final SecureRandom random = new SecureRandom();

    public AdminBootstrap(Users users, StowageProperties properties) {
        this.users = users;
        this.properties = properties;
    }

    /**
     * Runs before the web server starts (an ApplicationRunner would run after): a client that sees the port answer
     * must be able to sign in as the administrator at once.
     */
    @Override
    public void afterSingletonsInstantiated() {
        StowageProperties.Admin admin = properties.auth().admin();
        try {
            bootstrap(admin.username(), admin.password(), properties.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated administrator password to "
                    + properties.dataDir().resolve(PASSWORD_FILE), e);
        }
    }

    /** Ensures the administrator exists; returns the file its generated password was written to, or null. */
    public Path bootstrap(String username, String configuredPassword, Path dataDir) throws IOException {
        if (configuredPassword != null && !configuredPassword.isEmpty()) {
            users.ensureAdmin(username, configuredPassword);
            return null;
        }
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        if (!users.create(username, password, true)) {
            return null; // created before, by this node or another one
        }
        Path file = dataDir.resolve(PASSWORD_FILE);
        PrivateFiles.writeSecret(file, password); // replaces one left by an installation whose database is gone
        // Logged this once only, as the brief for first start asks; the file stays the durable copy.
        log.warn("Created administrator '{}' with generated password {} (also in {}); change it after first login",
                username, password, file);
        return file;
    }
}
