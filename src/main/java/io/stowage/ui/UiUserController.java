package io.stowage.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.UserAdministration.NewUser;
import io.stowage.accounts.UserAdministration.UserChanges;
import io.stowage.accounts.UserAdministration;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Users, for administrators: through {@link UserAdministration}, so the page has the admin API's checks (no
 * administrator disables, demotes or deletes themselves) and audit records. A change answers with a redirect naming
 * what was done, so reloading the page repeats nothing; a refusal shows the page again with the error and what was
 * typed, never the password.
 */
@Controller
class UiUserController {

    static final String USERS = "/ui/admin/users";

    private final UserAdministration users;

    UiUserController(UserAdministration users) {
        this.users = users;
    }

    /** What a change did, named in the redirect's query ({@code ?done=disabled&user=alice}) and shown once. */
    enum Done {
        CREATED("Created user %s."),
        ENABLED("Enabled %s."),
        DISABLED("Disabled %s."),
        PROMOTED("%s is now an administrator."),
        DEMOTED("%s is no longer an administrator."),
        PASSWORD("Set a new password for %s."),
        DELETED("Deleted user %s.");

        private final String message;

        Done(String message) {
            this.message = message;
        }

        String param() {
            return name().toLowerCase(Locale.ROOT);
        }

        static String message(String param, String user) {
            return Arrays.stream(values()).filter(done -> done.param().equals(param)).findFirst()
                    .map(done -> done.message.formatted(user)).orElse(null);
        }
    }

    @GetMapping(USERS)
    String list(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam(required = false) String done,
                @RequestParam(defaultValue = "") String user, Model model) {
        visitor.requireSignedIn();
        if (done != null && !user.isEmpty()) {
            model.addAttribute("notice", Done.message(done, user));
        }
        return page(visitor, model);
    }

    @PostMapping(USERS)
    String create(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor,
                  @RequestParam(defaultValue = "") String username, @RequestParam(defaultValue = "") String password,
                  @RequestParam(defaultValue = "false") boolean admin, Model model, HttpServletResponse response) {
        visitor.requireSignedIn();
        model.addAttribute("form", new UserForm(username, admin));
        return change(visitor, model, response, username, Done.CREATED,
                () -> users.create(visitor.caller(), new NewUser(username, password, admin)));
    }

    /** One change, as the admin API's PATCH: enable or disable, grant or revoke administrator, or a new password. */
    @PostMapping(USERS + "/update")
    String update(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String username,
                  @RequestParam(required = false) Boolean disabled, @RequestParam(required = false) Boolean admin,
                  @RequestParam(required = false) String password, Model model, HttpServletResponse response) {
        visitor.requireSignedIn();
        Done done = disabled != null ? (disabled ? Done.DISABLED : Done.ENABLED)
                : admin != null ? (admin ? Done.PROMOTED : Done.DEMOTED) : Done.PASSWORD;
        return change(visitor, model, response, username, done,
                () -> users.update(visitor.caller(), username, new UserChanges(password, admin, disabled)));
    }

    @PostMapping(USERS + "/delete")
    String delete(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String username,
                  Model model, HttpServletResponse response) {
        visitor.requireSignedIn();
        return change(visitor, model, response, username, Done.DELETED,
                () -> users.delete(visitor.caller(), username));
    }

    /**
     * Makes the change and redirects to the list saying what was done; a refusal other than 403 (which the error
     * page shows: this page is not the caller's) shows the list again, with the refusal's status and message.
     */
    private String change(UiVisitor visitor, Model model, HttpServletResponse response, String username, Done done,
                          Runnable change) {
        try {
            change.run();
        } catch (ActionRefused | IllegalArgumentException e) {
            model.addAttribute("error", UiRefusals.shown(e));
            response.setStatus(UiRefusals.status(e));
            return page(visitor, model);
        }
        return "redirect:" + USERS + "?done=" + done.param() + "&user="
                + URLEncoder.encode(username, StandardCharsets.UTF_8);
    }

    private String page(UiVisitor visitor, Model model) {
        model.addAttribute("visitor", visitor);
        model.addAttribute("users", users.list(visitor.caller()));
        return "ui/users";
    }

    /** What was typed into the creation form, shown again after an error: never the password. */
    public record UserForm(String username, boolean admin) {
    }
}
