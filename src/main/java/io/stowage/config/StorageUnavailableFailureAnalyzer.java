package io.stowage.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what is wrong with the storage settings in the start-up failure report, instead of a chain of bean errors. */
class StorageUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<StorageUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StorageUnavailableException cause) {
        String reason = cause.getCause() == null ? "" : ": " + cause.getCause().getMessage();
        return new FailureAnalysis(cause.getMessage() + reason,
                "Check stowage.storage.* (type, and for s3: endpoint, region, bucket, path-style, access-key and"
                        + " secret-key or the AWS SDK's credentials), and that the bucket or directory exists and can"
                        + " be reached from this node.", cause);
    }
}
