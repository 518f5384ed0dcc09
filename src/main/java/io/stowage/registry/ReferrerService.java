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
        return manifests.referrers(repository, subject.toString(), artifactType);
    }
}
