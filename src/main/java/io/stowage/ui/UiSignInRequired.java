package io.stowage.ui;

/** An anonymous visitor asked for what only an account may see: off to the sign-in page. */
class UiSignInRequired extends RuntimeException {

    UiSignInRequired() {
        super("sign-in required", null, false, false);
    }
}
