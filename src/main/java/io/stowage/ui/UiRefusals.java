package io.stowage.ui;

import io.stowage.accounts.ActionRefused;

/**
 * What a form's page makes of a service's refusal: a request it may not make at all (403) is answered by the error
 * page, since the page is not the caller's; any other refusal (a name taken, an unknown member, invalid input) is shown
 * on the form's page, with its status.
 */
final class UiRefusals {

    private UiRefusals() {
    }

    /** The refusal's message to show; rethrows it when the caller may not act at all. */
    static String shown(RuntimeException refusal) {
        if (refusal instanceof ActionRefused refused && refused.status() == 403) {
            throw refused;
        }
        return refusal.getMessage();
    }

    /** The status the form's page is answered with. */
    static int status(RuntimeException refusal) {
        return refusal instanceof ActionRefused refused ? refused.status() : 400;
    }
}
