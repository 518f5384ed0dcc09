package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.accounts.UserAdministration.NewUser;
import io.stowage.accounts.UserAdministration.UserChanges;
import io.stowage.accounts.UserAdministration.UserView;
import io.stowage.accounts.UserAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code /api/v1/users}: the users who sign in with a password. */
@RestController
@RequestMapping("/api/v1/users")
@Tag(name = "users", description = "Users and their passwords")
class UserAdminController {

    private final UserAdministration users;

    UserAdminController(UserAdministration users) {
        this.users = users;
    }

    @GetMapping
    @Operation(operationId = "listUsers", summary = "Every user (administrators only)")
    List<UserView> list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return users.list(caller);
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    @Operation(operationId = "createUser", summary = "Create a user (administrators only); 409 when the name is taken")
    ResponseEntity<UserView> create(@Valid @RequestBody NewUser user,
                                    @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        UserView created = users.create(caller, user);
        URI location = UriComponentsBuilder.fromPath("/api/v1/users/{username}").build(created.username());
        return ResponseEntity.created(location).body(created);
    }

    @GetMapping("/{username}")
    @Operation(operationId = "getUser", summary = "One user (administrators, or the user themselves)")
    UserView get(@PathVariable String username, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return users.get(caller, username);
    }

    @PatchMapping("/{username}")
    @Operation(operationId = "updateUser",
            summary = "Change password, admin or disabled (administrators); a user may change their own password")
    UserView update(@PathVariable String username, @Valid @RequestBody UserChanges changes,
                    @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return users.update(caller, username, changes);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{username}")
    @Operation(operationId = "deleteUser",
            summary = "Delete a user with their policies and refresh tokens (administrators only)")
    void delete(@PathVariable String username, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        users.delete(caller, username);
    }
}
