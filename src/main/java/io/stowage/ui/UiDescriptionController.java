package io.stowage.ui;

import io.stowage.registry.RepositoryAdministration.RepositoryChanges;
import io.stowage.registry.RepositoryAdministration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/** Describing a repository, for those who may push to it: the admin API's rule, check and audit record. */
@Controller
class UiDescriptionController {

    static final String DESCRIPTION = "/ui/description";

    private final RepositoryAdministration repositories;

    UiDescriptionController(RepositoryAdministration repositories) {
        this.repositories = repositories;
    }

    @PostMapping(DESCRIPTION)
    String describe(@RequestAttribute(UiVisitor.ATTRIBUTE) UiVisitor visitor, @RequestParam String repository,
                    @RequestParam(defaultValue = "") String description) {
        repositories.update(visitor.caller(), repository, new RepositoryChanges(null, description.strip()));
        return "redirect:" + UiPaths.repository(repository) + "?described=1";
    }
}
