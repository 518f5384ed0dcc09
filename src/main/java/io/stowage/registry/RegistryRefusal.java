package io.stowage.registry;

import io.stowage.accounts.ActionRefused;

/** The registry's own refusals (a {@link RegistryException}) as the admin API and the UI answer them. */
final class RegistryRefusal {

    private RegistryRefusal() {
    }

    static ActionRefused of(RegistryException e) {
        if (e.code() == ErrorCode.UNSUPPORTED) {
            // stowage.registry.delete-enabled is off.
            return ActionRefused.forbidden(e.getMessage());
        }
        return switch (e.status()) {
            case 400 -> ActionRefused.invalid(e.getMessage());
            case 403 -> ActionRefused.forbidden(e.getMessage()); // DENIED: immutable, on hold, a cache's namespace
            case 404 -> ActionRefused.notFound(e.getMessage());
            case 409 -> ActionRefused.conflict(e.getMessage());
            default -> throw e;
        };
    }
}
