package io.stowage.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.stowage.MovableClock;
import io.stowage.RegistryTestBase;
import io.stowage.metadata.SigningKeyRecords;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Signing keys shared through PostgreSQL by two nodes, each with its own snapshot of the table. */
@TokenAuth
class SigningKeysIT extends RegistryTestBase {

    @Autowired
    private SigningKeyRecords records;

    @Autowired
    private SigningKeyEncryption encryption;

    @Test
    void keyRotatedOnOneNodeVerifiesOnAnotherThatReadTheTableMomentsBefore() {
        MovableClock clock = new MovableClock(Instant.now());
        SigningKeys rotating = new SigningKeys(records, encryption, clock);
        SigningKeys other = new SigningKeys(records, encryption, clock);
        String before = other.signingKey().getKeyID(); // the other node reads the table now

        // Two seconds later (a requirement, not the constant: 5s used to leave the new key's tokens refused here).
        clock.advance(Duration.ofSeconds(2));
        String rotated = rotating.rotate();
        assertThat(rotating.signingKey().getKeyID()).isEqualTo(rotated);

        // The rotating node's clients get tokens with the new kid at once; the other node must take them.
        assertThat(other.publicKey(rotated)).as("new key found on the other node").isPresent();
        assertThat(other.publicKey(before)).isPresent();
        assertThat(other.publicKey(rotated).orElseThrow().isPrivate()).isFalse();
    }
}
