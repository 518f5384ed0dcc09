package io.stowage.admin;

import java.net.URI;
import java.util.List;

import io.stowage.accounts.Actor;
import io.stowage.accounts.OrganizationAdministration;
import io.stowage.accounts.OrganizationAdministration.NewOrganization;
import io.stowage.accounts.OrganizationAdministration.NewTeam;
import io.stowage.accounts.OrganizationAdministration.OrganizationView;
import io.stowage.accounts.OrganizationAdministration.TeamChanges;
import io.stowage.accounts.OrganizationAdministration.TeamView;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * {@code /api/v1/organizations}: organizations (created and deleted by administrators), their teams, the teams' roles
 * and members (managed by the organization's owners).
 */
@RestController
@RequestMapping("/api/v1/organizations")
@Tag(name = "organizations", description = "Organizations own a namespace; their teams give members roles on it")
class OrganizationAdminController {

    private final OrganizationAdministration organizations;

    OrganizationAdminController(OrganizationAdministration organizations) {
        this.organizations = organizations;
    }

    @PostMapping
    @Operation(operationId = "createOrganization",
            summary = "Create an organization, with an owners team holding the given owners")
    ResponseEntity<OrganizationView> create(@Valid @RequestBody NewOrganization organization,
                                            @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        OrganizationView created = organizations.create(caller, organization);
        URI location = UriComponentsBuilder.fromPath("/api/v1/organizations/{name}").build(created.name());
        return ResponseEntity.created(location).body(created);
    }

    @GetMapping
    @Operation(operationId = "listOrganizations",
            summary = "The organizations the caller may see: all for administrators, else those they are in")
    List<OrganizationView> list(@RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.list(caller);
    }

    @GetMapping("/{organization}")
    @Operation(operationId = "getOrganization", summary = "One organization with its teams")
    OrganizationView get(@PathVariable String organization, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.get(caller, organization);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{organization}")
    @Operation(operationId = "deleteOrganization",
            summary = "Delete an organization and its teams; its repositories stay, for administrators")
    void delete(@PathVariable String organization, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        organizations.delete(caller, organization);
    }

    @GetMapping("/{organization}/teams")
    @Operation(operationId = "listTeams", summary = "The organization's teams, with roles and members")
    List<TeamView> teams(@PathVariable String organization, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.teams(caller, organization);
    }

    @PostMapping("/{organization}/teams")
    @Operation(operationId = "createTeam", summary = "Create a team with roles and members")
    ResponseEntity<TeamView> createTeam(@PathVariable String organization, @Valid @RequestBody NewTeam team,
                                        @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        TeamView created = organizations.createTeam(caller, organization, team);
        URI location = UriComponentsBuilder.fromPath("/api/v1/organizations/{organization}/teams/{team}")
                .build(organization, created.name());
        return ResponseEntity.created(location).body(created);
    }

    @GetMapping("/{organization}/teams/{team}")
    @Operation(operationId = "getTeam", summary = "One team with its roles and members")
    TeamView team(@PathVariable String organization, @PathVariable String team,
                  @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.team(caller, organization, team);
    }

    @PatchMapping("/{organization}/teams/{team}")
    @Operation(operationId = "updateTeam", summary = "Replace a team's roles")
    TeamView updateTeam(@PathVariable String organization, @PathVariable String team,
                        @Valid @RequestBody TeamChanges changes, @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.updateTeam(caller, organization, team, changes);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{organization}/teams/{team}")
    @Operation(operationId = "deleteTeam", summary = "Delete a team: its members lose its roles")
    void deleteTeam(@PathVariable String organization, @PathVariable String team,
                    @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        organizations.deleteTeam(caller, organization, team);
    }

    @PutMapping("/{organization}/teams/{team}/members/{member}")
    @Operation(operationId = "addTeamMember", summary = "Add a user, or a robot as robot+<name>, to a team")
    TeamView addMember(@PathVariable String organization, @PathVariable String team, @PathVariable String member,
                       @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        return organizations.addMember(caller, organization, team, member);
    }

    @ResponseStatus(HttpStatus.NO_CONTENT)
    @DeleteMapping("/{organization}/teams/{team}/members/{member}")
    @Operation(operationId = "removeTeamMember", summary = "Remove a member from a team")
    void removeMember(@PathVariable String organization, @PathVariable String team, @PathVariable String member,
                      @RequestAttribute(Actor.ATTRIBUTE) Actor caller) {
        organizations.removeMember(caller, organization, team, member);
    }
}
