package io.stowage.admin;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Answers what no admin controller maps, with the admin API's problem detail rather than the /v2/ error the global
 * handler gives: 404 for an unknown path, 405 (with {@code Allow}) for a known path and a method it does not take.
 * Mapped to {@code /api/v1/**}, the least specific pattern, so every real endpoint wins over it. The admin mappings
 * declare no {@code consumes} or {@code produces}, so a request whose path and method match never lands here: a wrong
 * media type is refused by {@link AdminAuthenticationFilter} or reaches the endpoint, and {@link AdminErrorHandler}
 * answers 415 or 406.
 */
@RestController
@Hidden
class UnknownAdminEndpointController {

    private final ApplicationContext context;

    UnknownAdminEndpointController(ApplicationContext context) {
        this.context = context;
    }

    @RequestMapping(AdminAuthenticationFilter.PREFIX + "/**")
    ResponseEntity<ProblemDetail> unknown(HttpServletRequest request) {
        Set<String> allowed = allowedMethods(request);
        if (allowed.isEmpty()) {
            return problem(AdminProblem.of(404, "not_found", "no such endpoint: " + request.getRequestURI(), request),
                    null);
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        allowed.add("OPTIONS");
        String allow = String.join(", ", allowed);
        if (request.getMethod().equals("OPTIONS")) {
            return ResponseEntity.ok().header(HttpHeaders.ALLOW, allow).build();
        }
        return problem(AdminProblem.of(405, "method_not_allowed",
                "method " + request.getMethod() + " is not supported here; use " + allow, request), allow);
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail problem, String allow) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (allow != null) {
            response.header(HttpHeaders.ALLOW, allow);
        }
        return response.body(problem);
    }

    /** The methods other mappings take on this path. */
    private Set<String> allowedMethods(HttpServletRequest request) {
        RequestMappingHandlerMapping mapping =
                context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        Set<String> allowed = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
            PathPatternsRequestCondition patterns = entry.getKey().getPathPatternsCondition();
            if (entry.getValue().getBeanType() != UnknownAdminEndpointController.class && patterns != null
                    && patterns.getMatchingCondition(request) != null) {
                entry.getKey().getMethodsCondition().getMethods().forEach(method -> allowed.add(method.name()));
            }
        }
        return allowed;
    }
}
