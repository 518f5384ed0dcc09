package io.stowage.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.stowage.gc.GcAdministration;
import io.stowage.metadata.GcRunRecords.GcRun;
import io.stowage.proxy.UpstreamAdministration;
import io.stowage.registry.StorageAdministration.NamespaceTotalsView;
import io.stowage.registry.StorageAdministration.RepositoryStorage;
import io.stowage.registry.StorageAdministration.StorageOverview;
import io.stowage.registry.StorageAdministration.StorageSummary;
import io.stowage.registry.StorageAdministration;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;

/**
 * Storage usage and the last garbage collection passes, for administrators: through {@link StorageAdministration} and
 * {@link GcAdministration}, so a fixed handful of statements however large the registry.
 */
@Controller
class UiStorageController {

    static final String STORAGE = "/ui/admin/storage";
    /** Rows of each table: the largest first, the rest left to the admin API. */
    static final int REPOSITORIES = 100;
    static final int NAMESPACES = 100;
    static final int GC_RUNS = 20;

    private final StorageAdministration storage;
    private final GcAdministration gc;
    private final UpstreamAdministration upstreams;

    UiStorageController(StorageAdministration storage, GcAdministration gc, UpstreamAdministration upstreams) {
        this.storage = storage;
        this.gc = gc;
        this.upstreams = upstreams;
    }

    @GetMapping(STORAGE)
    String storage(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, Model model) {
        visitor.requireSignedIn();
        StorageOverview overview = storage.overview(visitor.caller(), REPOSITORIES, NAMESPACES);
        StorageSummary summary = overview.summary();
        model.addAttribute("visitor", visitor);
        model.addAttribute("totals", Totals.of(summary));
        model.addAttribute("namespaces", overview.namespaces().stream().map(NamespaceRow::of).toList());
        model.addAttribute("namespacesLimited", overview.namespaces().size() >= NAMESPACES);
        model.addAttribute("repositories", summary.largest().stream().map(RepositoryRow::of).toList());
        model.addAttribute("repositoriesLimit", REPOSITORIES);
        model.addAttribute("runs", gc.runs(visitor.caller(), GC_RUNS).stream().map(RunRow::of).toList());
        model.addAttribute("runsLimit", GC_RUNS);
        model.addAttribute("upstreams", upstreams.list(visitor.caller()));
        return "ui/storage";
    }

    /** A size as the page shows it, and its exact number of bytes for the tooltip. */
    public record Size(String shown, long bytes) {
        static Size of(long bytes) {
            return new Size(UiViews.bytes(bytes), bytes);
        }
    }

    /**
     * The registry's totals; {@code saving} says what sharing blobs between repositories saves, against what the
     * registry holds: the stored blobs, and the manifests (in PostgreSQL), which logical bytes count too.
     */
    public record Totals(Size stored, Size logical, String saving, long blobs, long manifests, Size manifestBytes,
                         long repositories, long uploads, Size uploadBytes) {
        static Totals of(StorageSummary s) {
            return new Totals(Size.of(s.storedBytes()), Size.of(s.logicalBytes()),
                    savingOf(s.logicalBytes(), s.storedBytes() + s.manifestBytes()), s.blobs(), s.manifests(), Size.of(s.manifestBytes()),
                    s.repositories(), s.uploads().sessions(), Size.of(s.uploads().receivedBytes()));
        }
    }

    /** A namespace's row; an empty name stands for the repositories named without a namespace. */
    public record NamespaceRow(String namespace, String search, long repositories, Size logical, Size stored) {
        static NamespaceRow of(NamespaceTotalsView n) {
            return new NamespaceRow(n.namespace(), n.namespace().isEmpty() ? null : n.namespace() + "/",
                    n.repositories(), Size.of(n.logicalBytes()), Size.of(n.storedBytes()));
        }
    }

    /** One of the largest repositories. */
    public record RepositoryRow(String name, String path, Size logical, Size stored, Size exclusive) {
        static RepositoryRow of(RepositoryStorage r) {
            return new RepositoryRow(r.name(), UiPaths.repository(r.name()), Size.of(r.storage().logicalBytes()),
                    Size.of(r.storage().storedBytes()), Size.of(r.storage().exclusiveBytes()));
        }
    }

    /** A recorded garbage collection pass. */
    public record RunRow(String started, String took, String trigger, boolean dryRun, String node, String deleted,
                         Size freed, String failures, String error) {
        static RunRow of(GcRun run) {
            List<String> deleted = new ArrayList<>();
            count(deleted, run.manifests(), "manifest");
            count(deleted, run.links(), "blob link");
            count(deleted, run.blobs(), "blob");
            List<String> failures = new ArrayList<>();
            count(failures, run.reviewFailures(), "review");
            count(failures, run.deleteFailures(), "storage delete");
            String took = duration(Duration.between(run.startedAt(), run.finishedAt()));
            return new RunRow(UiViews.time(run.startedAt()), took, run.trigger(), run.dryRun(), run.node(),
                    deleted.isEmpty() ? "nothing" : String.join(", ", deleted), Size.of(run.freedBytes()),
                    failures.isEmpty() ? "none" : String.join(", ", failures), run.error());
        }
    }

    private static void count(List<String> parts, int n, String what) {
        if (n > 0) {
            parts.add(n + " " + what + (n == 1 ? "" : "s"));
        }
    }

    private static String duration(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    /** What sharing saves: the part of the logical bytes not held, or "none" when nothing is shared. */
    private static String savingOf(long logical, long held) {
        if (logical <= 0 || held >= logical) {
            return "none";
        }
        return String.format(Locale.ROOT, "%s, %.1f%% of the logical bytes", UiViews.bytes(logical - held),
                100.0 * (logical - held) / logical);
    }
}
