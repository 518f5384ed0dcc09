package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.accounts.RobotAdministration.CreatedRobotView;
import io.stowage.accounts.RobotAdministration.NewRobot;
import io.stowage.accounts.RobotAdministration.RobotChanges;
import io.stowage.accounts.RobotAdministration.RobotView;
import io.stowage.accounts.RobotAdministration;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.CacheControl;
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

/** {@code /api/v1/robots}: robot accounts for CI (administrators only). */
@RestController
@RequestMapping("/api/v1/robots")
@Tag(name = "robots", description = "Robot accounts: sign in as robot+<name> with a secret shown once")
class RobotAdminController {

    private final RobotAdministration robots;

    RobotAdminController(RobotAdministration robots) {
        this.robots = robots;
    }

    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping
    @Operation(operationId = "createRobot",
            summary = "Create a robot; the answer holds its secret, which is never shown again")
    ResponseEntity<CreatedRobotView> create(@Valid @RequestBody NewRobot robot,
                                            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        CreatedRobotView created = robots.create(caller, robot);
        URI location = UriComponentsBuilder.fromPath("/api/v1/robots/{name}").build(created.name());
        // The secret must not linger in any cache on the way.
        return ResponseEntity.created(location).cacheControl(CacheControl.noStore()).body(created);
    }

    @GetMapping
    @Operation(operationId = "listRobots", summary = "Every robot with its permissions")
    List<RobotView> list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return robots.list(caller);
    }

    @GetMapping("/{name}")
    @Operation(operationId = "getRobot", summary = "One robot with its permissions, expiry and last use")
    RobotView get(@PathVariable String name, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return robots.get(caller, name);
    }

    @PatchMapping("/{name}")
    @Operation(operationId = "updateRobot", summary = "Disable or enable a robot")
    RobotView update(@PathVariable String name, @Valid @RequestBody RobotChanges changes,
                     @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return robots.update(caller, name, changes);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{name}")
    @Operation(operationId = "deleteRobot", summary = "Delete a robot: its secret and refresh tokens stop working")
    void delete(@PathVariable String name, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        robots.delete(caller, name);
    }
}
