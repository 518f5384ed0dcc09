package io.stowage.admin;

/** The {@code n} of the admin API's paginated listings: 1 to {@value #MAX}, {@value #DEFAULT} when not given. */
final class PageSize {

    static final int DEFAULT = 100;
    static final int MAX = 1000;

    private PageSize() {
    }

    /** The page size the query parameter asks for; 400 unless it is empty or a whole number in range. */
    static int parse(String n) {
        if (n == null || n.isEmpty()) {
            return DEFAULT;
        }
        try {
            int value = Integer.parseInt(n);
            if (value >= 1 && value <= MAX) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String shown = n.length() > 40 ? n.substring(0, 40) + "…" : n;
        throw AdminException.invalid("n must be an integer from 1 to " + MAX + ", not " + shown);
    }
}
