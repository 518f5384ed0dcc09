package io.stowage.ui;

import java.util.List;
import java.util.Optional;

import io.stowage.accounts.Identity;
import io.stowage.auth.OidcProviders;
import io.stowage.auth.SignIn;
import io.stowage.config.StowageProperties;
import io.stowage.outage.Dependency;
import io.stowage.outage.DirectoryUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.view.RedirectView;

/** Signing in to the web UI with a username and password (or a robot's secret), and signing out. */
@Controller
class UiLoginController {

    static final String LOGIN = "/ui/login";

    private final SignIn signIn;
    private final UiSessions sessions;
    private final OidcProviders providers;
    private final StowageProperties.PasswordSignIn passwordSignIn;

    UiLoginController(SignIn signIn, UiSessions sessions, OidcProviders providers, StowageProperties properties) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.providers = providers;
        this.passwordSignIn = properties.auth().oidc().passwordSignIn();
    }

    @ModelAttribute("providers")
    List<OidcProviders.Offered> providers() {
        return providers.offered();
    }

    /** Whether passwords sign in the administrator only ({@code stowage.auth.oidc.password-sign-in}). */
    @ModelAttribute("passwordsForTheAdministratorOnly")
    boolean passwordsForTheAdministratorOnly() {
        return passwordSignIn == StowageProperties.PasswordSignIn.ADMINISTRATOR;
    }

    @GetMapping(LOGIN)
    String form(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor,
                @RequestParam(required = false) String next, @RequestParam(required = false) String failed,
                Model model) {
        if (!visitor.authEnabled()) {
            return "redirect:/ui/";
        }
        model.addAttribute("visitor", visitor);
        model.addAttribute("next", UiPaths.safeNext(next));
        model.addAttribute("error", UiOidcSignIn.Failure.messageOf(failed));
        return "ui/login";
    }

    /**
     * Reached only when Spring Security's OAuth2 login did not start the sign-in: no provider has that id (404), or
     * its configuration cannot be read now (503, on the sign-in page, where the other ways to sign in still work).
     */
    @GetMapping(OidcProviders.AUTHORIZATION_BASE + "/{id}")
    String providerUnavailable(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @PathVariable String id,
                               HttpServletResponse response, Model model) {
        if (!visitor.authEnabled() || providers.provider(id).isEmpty()) {
            throw new UiNotFoundException();
        }
        response.setStatus(503);
        response.setHeader(HttpHeaders.RETRY_AFTER, "30");
        model.addAttribute("visitor", visitor);
        model.addAttribute("next", UiPaths.HOME);
        model.addAttribute("error", "The identity provider " + id + " cannot be reached now: try again later.");
        return "ui/login";
    }

    @PostMapping(LOGIN)
    ModelAndView login(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor,
                       @RequestParam(defaultValue = "") String username,
                       @RequestParam(defaultValue = "") String password,
                       @RequestParam(required = false) String next, HttpServletRequest request,
                       HttpServletResponse response, Model model) {
        if (!visitor.authEnabled()) {
            return new ModelAndView("redirect:/ui/");
        }
        String target = UiPaths.safeNext(next);
        model.addAttribute("visitor", visitor);
        model.addAttribute("next", target);
        model.addAttribute("username", username);
        Optional<Identity> identity;
        try {
            identity = username.isEmpty() ? Optional.empty() : signIn.signIn(username, password, visitor.address());
        } catch (SignIn.TooManyAttemptsException e) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            response.setStatus(429);
            model.addAttribute("error", "Too many failed sign-ins: try again in "
                    + Math.max(1, e.retryAfter().toSeconds()) + " s.");
            return new ModelAndView("ui/login");
        } catch (DirectoryUnavailableException e) {
            // Not "wrong password": the user's directory cannot say; local accounts still sign in meanwhile.
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
            response.setStatus(503);
            model.addAttribute("error", "The user directory cannot be reached now: try again in a moment.");
            return new ModelAndView("ui/login");
        }
        if (identity.isEmpty()) {
            response.setStatus(401);
            model.addAttribute("error", "Wrong username or password.");
            return new ModelAndView("ui/login");
        }
        if (identity.get().token() != null) {
            // A session keeps the account, not the token's narrowing: a token would sign the browser in as its user.
            response.setStatus(401);
            model.addAttribute("error", "A personal access token signs in docker, podman and the APIs, not the web UI:"
                    + " sign in with your password.");
            return new ModelAndView("ui/login");
        }
        // The address is the visitor's text: redirected to as it is, never read as a URI template ("redirect:" +
        // next would expand {x} and fail after the cookie was set), and with no model attributes appended.
        RedirectView redirect = new RedirectView(target, true);
        redirect.setExpandUriTemplateVariables(false);
        redirect.setExposeModelAttributes(false);
        sessions.signIn(identity.get(), request, response);
        return new ModelAndView(redirect);
    }

    /** Ends the session on every node, not only in this browser; the session filter removes its cookie. */
    @PostMapping("/ui/logout")
    String logout(HttpServletRequest request) {
        sessions.signOut(request);
        return "redirect:/ui/";
    }
}
