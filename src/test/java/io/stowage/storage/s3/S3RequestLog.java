package io.stowage.storage.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import software.amazon.awssdk.auth.signer.AwsSignerExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts every request any AWS SDK client in the test JVM sends, by operation (request class name, e.g.
 * {@code UploadPartCopyRequest}). Registered for all clients through the SDK's global interceptor list
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors} in the test resources), so it sees
 * the requests of the client Stowage builds without any hook in production code. URLs signed by a presigner
 * count as {@code Presign<operation>}, e.g. {@code PresignGetObject}, not as requests.
 */
public class S3RequestLog implements ExecutionInterceptor {

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String operation = context.request().getClass().getSimpleName().replaceFirst("Request$", "");
        if (attributes.getAttribute(AwsSignerExecutionAttribute.PRESIGNER_EXPIRATION) != null) {
            // The presigner runs the interceptors too, but sends nothing: a URL signed, not a request made.
            operation = "Presign" + operation;
        }
        COUNTS.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
    }

    /** Requests of that operation sent so far, e.g. {@code count("UploadPart")}. */
    public static long count(String operation) {
        AtomicLong count = COUNTS.get(operation);
        return count == null ? 0 : count.get();
    }
}
