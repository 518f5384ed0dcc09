package io.stowage.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

import io.stowage.accounts.ActionRefused;
import io.stowage.outage.ClientFailures;
import io.stowage.outage.Dependency;
import io.stowage.outage.DirectoryUnavailableException;
import io.stowage.outage.OutageLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.transaction.TransactionException;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** The UI's errors as pages: sign-in when an account is needed, else the status with a short message. */
@ControllerAdvice(basePackageClasses = UiErrorHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(UiErrorHandler.class);

    private final OutageLog outages;

    UiErrorHandler(OutageLog outages) {
        this.outages = outages;
    }

    @ExceptionHandler(UiSignInRequired.class)
    String signIn(HttpServletRequest request) {
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        String next = UiPaths.safeNext(request.getRequestURI() + query);
        return "redirect:" + UiLoginController.LOGIN + "?next="
                + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
    }

    @ExceptionHandler(UiNotFoundException.class)
    String notFound(HttpServletRequest request, HttpServletResponse response, Model model) {
        return error(request, response, model, 404, "Not found, or not yours to see.");
    }

    @ExceptionHandler(ActionRefused.class)
    String refused(ActionRefused e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return error(request, response, model, e.status(), e.getMessage());
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, IllegalArgumentException.class})
    String invalid(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return error(request, response, model, 400, e.getMessage());
    }

    @ExceptionHandler({DataAccessException.class, TransactionException.class, IOException.class,
            UncheckedIOException.class, DirectoryUnavailableException.class})
    String unavailable(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        Optional<Dependency> outage = Dependency.outageOf(e);
        if (outage.isEmpty() && ClientFailures.isClientFailure(e)) {
            log.debug("Request failed on the client's side: {}", e.toString());
            return error(request, response, model, 400, "The request broke off.");
        }
        if (outage.isEmpty()) {
            log.error("Unexpected failure on {} {}", request.getMethod(), request.getRequestURI(), e);
            return error(request, response, model, 500, "Something went wrong on our side.");
        }
        outages.refused(outage.get(), e);
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Dependency.RETRY_AFTER.toSeconds()));
        return error(request, response, model, 503,
                "Stowage cannot reach its " + outage.get().description() + " just now. Try again in a moment.");
    }

    private static String error(HttpServletRequest request, HttpServletResponse response, Model model, int status,
                                String message) {
        response.setStatus(status);
        model.addAttribute("visitor", request.getAttribute(UiVisitor.ATTRIBUTE));
        model.addAttribute("status", status);
        model.addAttribute("message", message);
        return "ui/error";
    }
}
