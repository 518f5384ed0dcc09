package io.stowage.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import io.stowage.metadata.RefreshTokenRecords;
import io.stowage.metadata.UserRecord;
import io.stowage.metadata.UserRecords;
import org.springframework.stereotype.Service;

/**
 * Long-lived, opaque refresh tokens (256 random bits), each bound to one user and one service. Only their SHA-256 is
 * stored, so the lookup by hash reveals nothing a timing attack could use.
 */
@Service
public class RefreshTokens {

    private final SecureRandom random = new SecureRandom();
    private final RefreshTokenRecords records;
    private final UserRecords users;

    public RefreshTokens(RefreshTokenRecords records, UserRecords users) {
        this.records = records;
        this.users = users;
    }

    public String issue(UserRecord user, String service) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        records.insert(sha256(token), user.id(), service);
        return token;
    }

    /** The user the token was issued to, if it is a refresh token for {@code service} and the user still exists. */
    public Optional<UserRecord> redeem(String token, String service) {
        return records.findUserId(sha256(token), service).flatMap(users::findById);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
