package io.stowage.auth;

import java.util.Optional;

import com.nimbusds.jose.jwk.ECKey;

/** Where the token issuer gets its signing key and the verifier the public keys, by {@code kid}. */
public interface SigningKeySource {

    /** The key new tokens are signed with (private and public part, {@code kid} set). */
    ECKey signingKey();

    /** The public key with this {@code kid}, if it is known and not retired. */
    Optional<ECKey> publicKey(String kid);
}
