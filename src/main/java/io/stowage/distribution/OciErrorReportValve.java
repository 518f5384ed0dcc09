package io.stowage.distribution;

import java.io.IOException;
import java.io.PrintWriter;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat refuses some requests before any servlet runs (an encoded {@code /} or NUL in the path, bytes that are
 * not UTF-8) and renders its HTML error page for them. On {@code /v2/} this valve writes the OCI error body
 * instead, so that every API error is the JSON clients parse; other paths keep Tomcat's page.
 */
public class OciErrorReportValve extends ErrorReportValve {

    public OciErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        String uri = request.getCoyoteRequest().requestURI().toString();
        if (status < 400 || response.getContentWritten() > 0 || uri == null || !uri.startsWith("/v2")) {
            super.report(request, response, throwable);
            return;
        }
        if (!response.setErrorReported()) {
            return;
        }
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader(RegistryHeaders.API_VERSION, "registry/2.0");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                String code = OciErrorController.codeFor(status).name();
                writer.write("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"request rejected by the server: HTTP "
                        + status + "\"}]}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response is already committed: nothing more to tell it.
        }
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
