package io.stowage.ui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.stowage.accounts.Actions;
import io.stowage.auth.AccessPolicy;
import io.stowage.metadata.RepositoryFilter;
import io.stowage.metadata.RepositoryRecords.RepositoryOverview;
import io.stowage.metadata.RepositoryRecords.SummaryOrder;
import io.stowage.registry.ImageInspector;
import io.stowage.registry.RepositoryAccess;
import io.stowage.registry.RepositoryBrowser;
import io.stowage.registry.RepositoryName;
import io.stowage.registry.TagAdministration;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.propertyeditors.CustomNumberEditor;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/** The repositories the visitor may pull, and a repository's page with its tags. */
@Controller
class UiRepositoryController {

    private final RepositoryBrowser browser;
    private final RepositoryAccess access;
    private final TagAdministration tags;
    private final ImageInspector inspector;

    UiRepositoryController(RepositoryBrowser browser, RepositoryAccess access, TagAdministration tags,
                           ImageInspector inspector) {
        this.inspector = inspector;
        this.browser = browser;
        this.access = access;
        this.tags = tags;
    }

    /**
     * Paging in a browser's address bar is a hint: a value that is not a number (or too large for one) binds as
     * absent, so the visitor gets the page with the defaults rather than an error ({@link UiPaging}).
     */
    @InitBinder({"page", "n"})
    void lenientPaging(WebDataBinder binder) {
        binder.registerCustomEditor(Integer.class, new CustomNumberEditor(Integer.class, true) {
            @Override
            public void setAsText(String text) {
                try {
                    super.setAsText(text);
                } catch (IllegalArgumentException e) {
                    setValue(null);
                }
            }
        });
    }

    @GetMapping("/ui")
    String root() {
        return "redirect:" + UiPaths.HOME;
    }

    @GetMapping(UiPaths.HOME)
    String repositories(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor,
                        @RequestParam(defaultValue = "") String q, @RequestParam(defaultValue = "name") String sort,
                        @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer n,
                        Model model) {
        SummaryOrder order = switch (sort) {
            case "pushed" -> SummaryOrder.PUSHED;
            case "size" -> SummaryOrder.SIZE;
            case "pulls" -> SummaryOrder.PULLS;
            default -> SummaryOrder.NAME;
        };
        String sortName = order.name().toLowerCase(Locale.ROOT);
        RepositoryFilter readable = access.readable(visitor.identity());
        long total = browser.count(readable, q);
        UiPaging paging = UiPaging.of(page, n).within(total);
        List<UiViews.RepositoryRow> rows = browser.list(readable, q, order, paging.offset(), paging.size()).stream()
                .map(UiViews.RepositoryRow::of).toList();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("q", q);
        query.put("sort", order == SummaryOrder.NAME ? null : sortName);
        model.addAttribute("visitor", visitor);
        model.addAttribute("q", q);
        model.addAttribute("sort", sortName);
        model.addAttribute("n", paging.size() == UiPaging.DEFAULT_SIZE ? null : paging.size());
        model.addAttribute("repositories", rows);
        model.addAttribute("pager", paging.pager("Repositories", rows.size(), total, UiPaths.HOME, query));
        return "ui/repositories";
    }

    @GetMapping("/ui/repositories/{*path}")
    String repository(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @PathVariable String path,
                      @RequestParam(required = false) Integer page, @RequestParam(required = false) Integer n,
                      HttpServletRequest request, Model model) {
        String name = path.startsWith("/") ? path.substring(1) : path;
        int manifestAt = name.indexOf(UiPaths.MANIFESTS);
        if (manifestAt >= 0) {
            // No repository name has a "-" component, so this cannot be part of one.
            return manifest(visitor, name.substring(0, manifestAt),
                    name.substring(manifestAt + UiPaths.MANIFESTS.length()), model);
        }
        requirePull(visitor, name);
        RepositoryOverview repository = browser.repository(name).orElseThrow(UiNotFoundException::new);
        UiPaging paging = UiPaging.of(page, n).within(repository.tagCount());
        String host = request.getHeader("Host") == null ? request.getServerName() : request.getHeader("Host");
        List<UiViews.TagRow> rows = browser.tags(repository, paging.offset(), paging.size()).stream()
                .map(t -> UiViews.TagRow.of(host, name, t)).toList();
        model.addAttribute("visitor", visitor);
        model.addAttribute("repository", repository);
        model.addAttribute("pushed", UiViews.time(repository.pushedAt()));
        model.addAttribute("checked", UiViews.time(repository.checkedAt()));
        model.addAttribute("tags", rows);
        model.addAttribute("pager", paging.pager("Tags", rows.size(), repository.tagCount(),
                UiPaths.repository(name), Map.of()));
        model.addAttribute("mayDelete", tags.mayDelete(visitor.caller(), name));
        model.addAttribute("mayDescribe", visitor.identity().mayDescribe(name));
        return "ui/repository";
    }

    /** A manifest of the repository by tag or digest: an index's platforms, or an image's layers, config, history. */
    private String manifest(UiVisitor visitor, String name, String reference, Model model) {
        requirePull(visitor, name);
        ImageInspector.Inspection inspection = inspector.inspect(name, reference)
                .orElseThrow(UiNotFoundException::new);
        model.addAttribute("visitor", visitor);
        model.addAttribute("repository", name);
        model.addAttribute("repositoryPath", UiPaths.repository(name));
        model.addAttribute("reference", reference);
        model.addAttribute("m", UiViews.ManifestView.of(name, inspection));
        return "ui/manifest";
    }

    private void requirePull(UiVisitor visitor, String name) {
        if (!RepositoryName.isValid(name)) {
            throw new UiNotFoundException();
        }
        if (!access.allowedActions(visitor.identity(), name).contains(Actions.PULL)) {
            if (!visitor.signedIn() && visitor.authEnabled()) {
                throw new UiSignInRequired();
            }
            throw new UiNotFoundException(); // as if absent: never tell who may not pull what exists
        }
    }

    /** Deletes a tag as the admin API does (same checks, same audit record), then shows the repository again. */
    @PostMapping("/ui/tags/delete")
    String deleteTag(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String repository,
                     @RequestParam String tag) {
        tags.delete(visitor.caller(), repository, tag, null);
        return "redirect:" + UiPaths.repository(repository) + "?deleted=" + java.net.URLEncoder.encode(tag,
                java.nio.charset.StandardCharsets.UTF_8);
    }
}
