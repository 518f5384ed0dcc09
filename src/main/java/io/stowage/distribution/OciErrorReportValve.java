package io.stowage.distribution;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat refuses some requests before any servlet runs and renders its HTML error page for them. On {@code /v2/}
 * this valve writes the OCI error body instead, so that every API error is the JSON clients parse; other paths keep
 * Tomcat's page. What it corrects on the way:
 * <ul>
 * <li>an encoded {@code /} or NUL in the path, bytes that are not UTF-8: 400 as Tomcat says;
 * <li>a request line longer than the header buffer ({@code server.max-http-request-header-size}): Tomcat says 400
 * without having read the URI, so no surface can be told; this answers 414 URI Too Long with the OCI body;
 * headers too large, after a URI that was read: 431;
 * <li>{@code CONNECT}, which Tomcat answers 501 before any servlet: a 5xx would say the server is broken, so it is
 * answered as Spring answers any other method an endpoint lacks, 405 {@code UNSUPPORTED} with {@code Allow}, or
 * 404 where there is no endpoint.
 * </ul>
 */
public class OciErrorReportValve extends ErrorReportValve {

    // Tomcat's own message for a full header buffer, in the locale it uses (its StringManager's).
    private static final String HEADER_TOO_LARGE = StringManager.getManager("org.apache.coyote.http11")
            .getString("iib.requestheadertoolarge.error");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public OciErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        String uri = request.getCoyoteRequest().requestURI().toString();
        boolean uriUnread = uri == null || uri.isEmpty();
        if (isHeaderTooLarge(throwable)) {
            response.setStatus(uriUnread ? 414 : 431);
        }
        int status = response.getStatus();
        boolean registry = uriUnread || uri.equals("/v2") || uri.startsWith("/v2/");
        if (status < 400 || response.getContentWritten() > 0 || !registry) {
            super.report(request, response, throwable);
            return;
        }
        if (!response.setErrorReported()) {
            return;
        }
        String message = "request rejected by the server: HTTP " + status;
        if ("CONNECT".equals(request.getMethod()) && status == 501) {
            List<String> allowed = RepositoryRouteFilter.allowedMethods(uri);
            if (allowed.isEmpty()) {
                status = 404;
                message = "no such endpoint: " + (uri.length() > 200 ? uri.substring(0, 200) + "…" : uri);
            } else {
                status = 405;
                message = "method CONNECT is not supported here";
                response.setHeader("Allow", String.join(",", allowed));
            }
            response.setStatus(status);
        } else if (status == 414) {
            message = "the request line is longer than the server accepts";
        } else if (status == 431) {
            message = "the request headers are larger than the server accepts";
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader(RegistryHeaders.API_VERSION, "registry/2.0");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(OciError.of(OciErrorController.codeFor(status), message, null)));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is already committed: nothing more to tell it.
        }
    }

    private static boolean isHeaderTooLarge(Throwable throwable) {
        return throwable instanceof IllegalArgumentException && HEADER_TOO_LARGE.equals(throwable.getMessage());
    }

    /** Installs the valve on the embedded Tomcat's host. */
    @Component
    static class Installer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(OciErrorReportValve.class.getName());
                }
            });
        }
    }
}
