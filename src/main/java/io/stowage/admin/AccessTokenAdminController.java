package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.AccessTokenAdministration;
import io.stowage.accounts.AccessTokenAdministration.CreatedTokenView;
import io.stowage.accounts.AccessTokenAdministration.NewToken;
import io.stowage.accounts.AccessTokenAdministration.TokenView;
import io.stowage.accounts.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/users/<username>/tokens}: a user's personal access tokens. */
@RestController
@RequestMapping("/api/v1/users/{username}/tokens")
@Tag(name = "tokens", description = "Personal access tokens: a user's scoped, expiring secrets for docker login")
class AccessTokenAdminController {

    private final AccessTokenAdministration tokens;

    AccessTokenAdminController(AccessTokenAdministration tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @Operation(operationId = "createAccessToken",
            summary = "Create a token (its user only); the answer holds its secret, which is never shown again")
    ResponseEntity<CreatedTokenView> create(@PathVariable String username, @Valid @RequestBody NewToken token,
                                            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        CreatedTokenView created = tokens.create(caller, username, token);
        URI location = UriComponentsBuilder.fromPath("/api/v1/users/{username}/tokens/{name}")
                .build(username, created.name());
        // The secret must not linger in any cache on the way.
        return ResponseEntity.created(location).cacheControl(CacheControl.noStore()).body(created);
    }

    @GetMapping
    @Operation(operationId = "listAccessTokens", summary = "The user's tokens (never their secrets)")
    List<TokenView> list(@PathVariable String username, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return tokens.list(caller, username);
    }

    @GetMapping("/{name}")
    @Operation(operationId = "getAccessToken", summary = "One token: scope, repositories, expiry, last use")
    TokenView get(@PathVariable String username, @PathVariable String name,
                  @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return tokens.get(caller, username, name);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{name}")
    @Operation(operationId = "revokeAccessToken",
            summary = "Revoke a token: it and the refresh tokens of sign-ins with it stop working")
    void revoke(@PathVariable String username, @PathVariable String name,
                @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        tokens.revoke(caller, username, name);
    }
}
