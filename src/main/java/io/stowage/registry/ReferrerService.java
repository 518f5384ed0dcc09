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

    /** Never fails for lack of a repository or subject: there are then no referrers. */
    public List<ReferrerRecord> list(String repository, Digest subject, String artifactType) {
        RepositoryName.validate(repository);
        if (artifactType != null && !MediaTypes.isValid(artifactType)) {
            // Only valid media types are recorded, so nothing matches (and PostgreSQL refuses some text, e.g. NUL).
            return List.of();
        }
        return manifests.referrers(repository, subject.toString(), artifactType);
    }
}
