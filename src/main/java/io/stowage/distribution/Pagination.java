package io.stowage.distribution;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The {@code n} of the /v2/ listings (tags, catalog), a typed query parameter: Spring's conversion service builds it
 * with {@link #valueOf} (a factory it looks for), so a controller declares {@code @RequestParam(required = false)
 * Pagination n}. It is the spec's {@code n=<int>}: decimal digits, zero included (an empty list); a count beyond any
 * page asks for the largest, which the registry caps ({@code Page#MAX_SIZE}). Anything else fails the conversion,
 * which {@link OciErrorHandler} answers with 400 and the OCI error body.
 */
record Pagination(int n) {

    /** Decimal digits, a plus sign allowed: not the hexadecimal or spaces Spring's number conversion would take. */
    private static final Pattern DIGITS = Pattern.compile("\\+?[0-9]+");

    /** The pagination {@code ?n=} asks for; null for {@code ?n=} with nothing after it, as if it were absent. */
    public static Pagination valueOf(String n) {
        if (n.isEmpty()) {
            return null;
        }
        if (!DIGITS.matcher(n).matches()) {
            String shown = n.length() > 40 ? n.substring(0, 40) + "…" : n;
            throw new IllegalArgumentException("n must be a non-negative integer, not " + shown);
        }
        BigInteger value = new BigInteger(n);
        return new Pagination(value.bitLength() < Integer.SIZE ? value.intValue() : Integer.MAX_VALUE);
    }

    /** What the registry's listings take: null (all, up to their cap) when no {@code n} was given. */
    static Integer limit(Pagination pagination) {
        return pagination == null ? null : pagination.n();
    }
}
