package io.stowage.ui;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import io.stowage.admin.AdminException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** The UI's errors as pages: sign-in when an account is needed, else the status with a short message. */
@ControllerAdvice(basePackageClasses = UiErrorHandler.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiErrorHandler {

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

    @ExceptionHandler(AdminException.class)
    String refused(AdminException e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return error(request, response, model, e.status(), e.getMessage());
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, IllegalArgumentException.class})
    String invalid(Exception e, HttpServletRequest request, HttpServletResponse response, Model model) {
        return error(request, response, model, 400, e.getMessage());
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
