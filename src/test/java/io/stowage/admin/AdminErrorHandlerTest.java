package io.stowage.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.stowage.accounts.RobotAdministration.NewRobot;
import io.stowage.accounts.RobotAdministration.Permission;
import io.stowage.outage.OutageLog;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Min;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Bean Validation's violations from a validated bean's method (not Spring MVC's own validation, which the ITs cover
 * over HTTP) get the same answer: 400 naming each field as the request spells it, without the method and parameter.
 */
class AdminErrorHandlerTest {

    private final ValidatorFactory validation = Validation.buildDefaultValidatorFactory();

    @AfterEach
    void close() {
        validation.close();
    }

    /** A method as a validated bean would declare it. */
    @SuppressWarnings("unused")
    void create(@Valid NewRobot robot, @Min(1) int n) {
    }

    @Test
    void constraintViolationsAreA400ListingTheFieldsAsTheRequestNamesThem() throws Exception {
        Method create = AdminErrorHandlerTest.class.getDeclaredMethod("create", NewRobot.class, int.class);
        NewRobot robot = new NewRobot(null, null, Arrays.asList(null, new Permission("ci/*", null)), null);
        Set<ConstraintViolation<AdminErrorHandlerTest>> violations = validation.getValidator().forExecutables()
                .validateParameters(this, create, new Object[] {robot, 0});
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/robots");

        ResponseEntity<Object> response = new AdminErrorHandler(new OutageLog(java.time.Clock.systemUTC()))
                .constraintViolations(new ConstraintViolationException(violations), request);

        assertThat(response.getStatusCode().value()).isEqualTo(400);
        ProblemDetail problem = (ProblemDetail) response.getBody();
        assertThat(problem.getProperties()).containsEntry("error", "invalid_request");
        assertThat(problem.getInstance()).hasToString("/api/v1/robots");
        @SuppressWarnings("unchecked")
        List<AdminProblem.FieldError> errors = (List<AdminProblem.FieldError>) problem.getProperties().get("errors");
        assertThat(errors).extracting(AdminProblem.FieldError::field)
                .containsExactlyInAnyOrder("name", "permissions[0]", "permissions[1].actions", "n");
    }
}
