package io.stowage.ui;

import java.util.List;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.RobotAdministration.NewRobot;
import io.stowage.accounts.RobotAdministration.Permission;
import io.stowage.accounts.RobotAdministration.RobotChanges;
import io.stowage.accounts.RobotAdministration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/** Robot accounts, for administrators: through {@link RobotAdministration}, as the admin API manages them. */
@Controller
class UiRobotController {

    static final String ROBOTS = "/ui/admin/robots";

    private final RobotAdministration robots;

    UiRobotController(RobotAdministration robots) {
        this.robots = robots;
    }

    @GetMapping(ROBOTS)
    String list(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, Model model) {
        visitor.requireSignedIn();
        model.addAttribute("visitor", visitor);
        model.addAttribute("robots", robots.list(visitor.caller()));
        return "ui/robots";
    }

    /** Creates the robot and shows its secret, this once: the answer is a page, not a redirect that would lose it. */
    @PostMapping(ROBOTS)
    String create(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name,
                  @RequestParam(defaultValue = "") String description, @RequestParam String repository,
                  @RequestParam(required = false) List<String> actions, Model model) {
        visitor.requireSignedIn();
        model.addAttribute("visitor", visitor);
        try {
            model.addAttribute("created", robots.create(visitor.caller(), new NewRobot(name,
                    description.isBlank() ? null : description,
                    List.of(new Permission(repository, actions == null ? List.of() : actions)), null)));
        } catch (ActionRefused | IllegalArgumentException e) {
            model.addAttribute("error", UiRefusals.shown(e));
            model.addAttribute("form", new RobotForm(name, description, repository, actions));
        }
        model.addAttribute("robots", robots.list(visitor.caller()));
        return "ui/robots";
    }

    @PostMapping(ROBOTS + "/disable")
    String disable(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name,
                   @RequestParam boolean disabled) {
        visitor.requireSignedIn();
        robots.update(visitor.caller(), name, new RobotChanges(disabled));
        return "redirect:" + ROBOTS;
    }

    @PostMapping(ROBOTS + "/delete")
    String delete(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name) {
        visitor.requireSignedIn();
        robots.delete(visitor.caller(), name);
        return "redirect:" + ROBOTS;
    }

    /** What was typed into the creation form, shown again after an error. */
    public record RobotForm(String name, String description, String repository, List<String> actions) {
    }
}
