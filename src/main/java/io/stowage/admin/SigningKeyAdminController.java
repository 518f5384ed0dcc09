package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.auth.SigningKeyAdministration.SigningKeyView;
import io.stowage.auth.SigningKeyAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/signing-keys}: the token signing keys (administrators only). */
@RestController
@RequestMapping("/api/v1/signing-keys")
@Tag(name = "signing-keys", description = "The keys tokens are signed with: rotation and retirement")
class SigningKeyAdminController {

    private final SigningKeyAdministration keys;

    SigningKeyAdminController(SigningKeyAdministration keys) {
        this.keys = keys;
    }

    @GetMapping
    @Operation(operationId = "listSigningKeys",
            summary = "Every signing key, retired ones too, newest first (never private keys)")
    List<SigningKeyView> list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return keys.list(caller);
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    @Operation(operationId = "rotateSigningKey",
            summary = "Rotate: a new key signs every token from now on; older keys keep verifying until retired")
    ResponseEntity<SigningKeyView> rotate(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        SigningKeyView key = keys.rotate(caller);
        URI location = UriComponentsBuilder.fromPath("/api/v1/signing-keys/{kid}").build(key.kid());
        return ResponseEntity.created(location).body(key);
    }

    @GetMapping("/{kid}")
    @Operation(operationId = "getSigningKey", summary = "One signing key")
    SigningKeyView get(@PathVariable String kid, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return keys.get(caller, kid);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{kid}")
    @Operation(operationId = "retireSigningKey", summary = "Retire a key: tokens it signed are refused from now on")
    void retire(@PathVariable String kid, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        keys.retire(caller, kid);
    }
}
