package io.stowage.admin;

/**
 * The {@code n} of the admin API's paginated listings, one definition for all of them: the controllers declare it as
 * {@code @RequestParam(defaultValue = DEFAULT) @Min(1) @Max(MAX) int n}, so Bean Validation refuses the rest (400).
 */
final class PageSize {

    /** The page size when {@code n} is not given (or empty), as {@code @RequestParam}'s default wants it: text. */
    static final String DEFAULT = "100";
    static final int MAX = 1000;

    private PageSize() {
    }
}
