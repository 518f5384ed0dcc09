package io.stowage.ui;

import java.util.List;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.OrganizationAdministration;
import io.stowage.accounts.OrganizationAdministration.NewOrganization;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The visitor's organizations, their teams, roles and members (every organization for an administrator), through
 * {@link OrganizationAdministration}: owners add and remove members, administrators create organizations.
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
