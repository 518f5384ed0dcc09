package io.stowage.ui;

import java.time.Duration;
import java.time.Instant;

import io.stowage.accounts.AccessTokenAdministration;
import io.stowage.accounts.AccessTokenAdministration.NewToken;
import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Identity;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The signed-in user's personal access tokens, through {@link AccessTokenAdministration}: listed, created (the secret
 * shown on the answer page, this once) and revoked.
 */
@Controller
class UiTokenController {

    static final String TOKENS = "/ui/tokens";

    private final AccessTokenAdministration tokens;

    UiTokenController(AccessTokenAdministration tokens) {
        this.tokens = tokens;
    }

    @GetMapping(TOKENS)
    String list(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, Model model) {
        return page(visitor, requireUser(visitor), model);
    }

    /** Creates the token and shows its secret, this once: the answer is a page, not a redirect that would lose it. */
    @PostMapping(TOKENS)
    String create(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name,
                  @RequestParam String scope, @RequestParam(defaultValue = "") String repository,
                  @RequestParam(defaultValue = "90") int days, HttpServletResponse response, Model model) {
        String username = requireUser(visitor);
        try {
            if (days < 1) {
                throw ActionRefused.invalid("a token lives at least one day");
            }
            model.addAttribute("created", tokens.create(visitor.caller(), username, new NewToken(name.strip(), scope,
                    repository.isBlank() ? null : repository.strip(), Instant.now().plus(Duration.ofDays(days)))));
        } catch (ActionRefused | IllegalArgumentException e) {
            model.addAttribute("error", UiRefusals.shown(e));
            response.setStatus(UiRefusals.status(e));
        }
        return page(visitor, username, model);
    }

    @PostMapping(TOKENS + "/revoke")
    String revoke(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String name) {
        tokens.revoke(visitor.caller(), requireUser(visitor), name);
        return "redirect:" + TOKENS;
    }

    private String page(UiVisitor visitor, String username, Model model) {
        model.addAttribute("visitor", visitor);
        model.addAttribute("tokens", tokens.list(visitor.caller(), username).stream().map(t -> new TokenRow(t.name(),
                t.scope(), t.repository() == null ? "all yours" : t.repository(),
                t.expired() ? "expired" : UiViews.time(t.expiresAt()), UiViews.time(t.lastUsedAt()))).toList());
        return "ui/tokens";
    }

    /** A token as the page lists it. */
    record TokenRow(String name, String scope, String repository, String expires, String lastUsed) {
    }

    /** The signed-in user's name; robots have no personal access tokens. */
    private static String requireUser(UiVisitor visitor) {
        visitor.requireSignedIn();
        if (visitor.identity().kind() != Identity.Kind.USER) {
            throw ActionRefused.forbidden("only users have personal access tokens");
        }
        return visitor.identity().subject();
    }
}
