package io.stowage.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.OrganizationAdministration;
import io.stowage.accounts.OrganizationAdministration.NewOrganization;
import io.stowage.accounts.OrganizationAdministration.NewTeam;
import io.stowage.accounts.OrganizationAdministration.RoleView;
import io.stowage.accounts.OrganizationAdministration.TeamChanges;
import io.stowage.accounts.Role;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The visitor's organizations, their teams, roles and members (every organization for an administrator), through
 * {@link OrganizationAdministration}: owners create and delete teams, give and take their roles and add and remove
 * members; administrators create organizations.
 */
@Controller
class UiOrganizationController {

    static final String ORGANIZATIONS = "/ui/organizations";

    private final OrganizationAdministration organizations;

    UiOrganizationController(OrganizationAdministration organizations) {
        this.organizations = organizations;
    }

    @GetMapping(ORGANIZATIONS)
    String list(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor,
                @RequestParam(required = false) String error, Model model) {
        visitor.requireSignedIn();
        model.addAttribute("visitor", visitor);
        model.addAttribute("organizations", organizations.list(visitor.caller()));
        model.addAttribute("error", error);
        model.addAttribute("roles", Arrays.stream(Role.values()).map(Role::label).toList());
        return "ui/organizations";
    }

    @PostMapping(ORGANIZATIONS)
    String create(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name,
                  @RequestParam(defaultValue = "") String owner) {
        visitor.requireSignedIn();
        return refusedShown(() -> organizations.create(visitor.caller(),
                new NewOrganization(name, owner.isBlank() ? List.of() : List.of(owner.strip()))));
    }

    @PostMapping(ORGANIZATIONS + "/members/add")
    String addMember(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                     @RequestParam String team, @RequestParam String member) {
        visitor.requireSignedIn();
        return refusedShown(() -> organizations.addMember(visitor.caller(), organization, team, member.strip()));
    }

    @PostMapping(ORGANIZATIONS + "/members/remove")
    String removeMember(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                        @RequestParam String team, @RequestParam String member) {
        visitor.requireSignedIn();
        return refusedShown(() -> organizations.removeMember(visitor.caller(), organization, team, member));
    }

    @PostMapping(ORGANIZATIONS + "/teams/add")
    String addTeam(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                   @RequestParam String team, @RequestParam String role,
                   @RequestParam(defaultValue = "") String repository) {
        visitor.requireSignedIn();
        return refusedShown(() -> organizations.createTeam(visitor.caller(), organization,
                new NewTeam(team.strip(), List.of(role(repository, role)), List.of(), List.of())));
    }

    @PostMapping(ORGANIZATIONS + "/teams/delete")
    String deleteTeam(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                      @RequestParam String team) {
        visitor.requireSignedIn();
        return refusedShown(() -> organizations.deleteTeam(visitor.caller(), organization, team));
    }

    /** Gives the team one more role (the service checks the pattern and the role, and who may). */
    @PostMapping(ORGANIZATIONS + "/roles/add")
    String addRole(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                   @RequestParam String team, @RequestParam String role,
                   @RequestParam(defaultValue = "") String repository) {
        visitor.requireSignedIn();
        return refusedShown(() -> {
            List<RoleView> roles = new ArrayList<>(organizations.team(visitor.caller(), organization, team).roles());
            roles.add(role(repository, role));
            organizations.updateTeam(visitor.caller(), organization, team, new TeamChanges(roles, null));
        });
    }

    /** Takes one of the team's roles away: the one at that pattern with that role. */
    @PostMapping(ORGANIZATIONS + "/roles/remove")
    String removeRole(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String organization,
                      @RequestParam String team, @RequestParam String role, @RequestParam String repository) {
        visitor.requireSignedIn();
        return refusedShown(() -> {
            List<RoleView> roles = new ArrayList<>(organizations.team(visitor.caller(), organization, team).roles());
            roles.removeIf(r -> r.role().equals(role) && r.repository().equals(repository));
            organizations.updateTeam(visitor.caller(), organization, team, new TeamChanges(roles, null));
        });
    }

    /** A role on the pattern given, or on the whole organization when none is. */
    private static RoleView role(String repository, String role) {
        return new RoleView(repository.isBlank() ? null : repository.strip(), role);
    }

    /**
     * Back to the page, with what the administration refused (an unknown user, a name taken) shown there; a caller
     * who may not act at all gets the refusal's own page (403).
     */
    private static String refusedShown(Runnable action) {
        try {
            action.run();
            return "redirect:" + ORGANIZATIONS;
        } catch (ActionRefused | IllegalArgumentException e) {
            return "redirect:" + UriComponentsBuilder.fromPath(ORGANIZATIONS).queryParam("error", UiRefusals.shown(e))
                    .encode().build().toUriString();
        }
    }
}
