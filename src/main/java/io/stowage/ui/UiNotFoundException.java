package io.stowage.ui;

/** No such page, or one the visitor may not see: answered 404 alike. */
class UiNotFoundException extends RuntimeException {

    UiNotFoundException() {
        super("not found", null, false, false);
    }
}
