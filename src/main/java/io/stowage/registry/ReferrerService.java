package io.stowage.registry;

import java.util.List;

import io.stowage.metadata.ManifestRecords;
import io.stowage.metadata.ReferrerRecord;
import org.springframework.stereotype.Service;

/** The referrers API: manifests of a repository whose {@code subject} is a given digest. */
@Service
public class ReferrerService {

    private final ManifestRecords manifests;

    public ReferrerService(ManifestRecords manifests) {
        this.manifests = manifests;
    }

    /** Referrers per response; more are reached through the {@code Link} header. */
    public static final int PAGE_SIZE = 1000;

    /**
     * One page of referrers after {@code last} (a digest, from the previous page's {@code Link}). Never fails
     * for lack of a repository or subject: there are then no referrers.
     */
    public Page<ReferrerRecord> list(String repository, Digest subject, String artifactType, String last) {
        RepositoryName.validate(repository);
        String after = last == null || last.isEmpty() ? null : Digest.parse(last).toString();
        if (artifactType != null && !MediaTypes.isValid(artifactType)) {
            // Only valid media types are recorded, so nothing matches (and PostgreSQL refuses some text, e.g. NUL).
            return new Page<>(List.of(), false);
        }
        return Page.of(PAGE_SIZE, limit -> manifests.referrers(repository, subject.toString(), artifactType, after, limit));
    }
}
