package io.stowage.outage;

import io.stowage.storage.PartialWriteException;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * Failures that are the HTTP client's doing, not the server's: a request body cut off, badly framed (chunked
 * encoding Tomcat cannot parse) or stalled, and a client that went away while its response was written.
 */
public final class ClientFailures {

    private ClientFailures() {
    }

    /** Whether the failure, or anything that caused it, is the client's. */
    public static boolean isClientFailure(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause()) {
            if (t instanceof PartialWriteException || t instanceof AsyncRequestNotUsableException) {
                return true;
            }
            String name = t.getClass().getName();
            // Tomcat's: ClientAbortException wraps every failed read of the body (early end, timeout, reset) and
            // every failed write of the response; BadRequestException is a body whose framing it cannot parse;
            // InvalidParameterException a query or form it cannot decode (e.g. %zz), read lazily by the first lookup.
            if (name.equals("org.apache.catalina.connector.ClientAbortException")
                    || name.equals("org.apache.coyote.BadRequestException")
                    || name.equals("org.apache.tomcat.util.http.InvalidParameterException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the failure is Tomcat's refusal of a query string or form it cannot decode (e.g. {@code %zz}): Tomcat
     * parses them lazily and throws when a parameter is first read, so any handler may meet it.
     */
    public static boolean isMalformedParameters(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause()) {
            if (t.getClass().getName().equals("org.apache.tomcat.util.http.InvalidParameterException")) {
                return true;
            }
        }
        return false;
    }
}
