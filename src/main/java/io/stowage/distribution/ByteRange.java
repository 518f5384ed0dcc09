package io.stowage.distribution;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single byte range of a blob GET ({@code Range: bytes=...}, RFC 9110 section 14), resolved against the blob size.
 * Multiple ranges and other units are ignored (the whole blob is served), as RFC 9110 permits.
 */
record ByteRange(long start, long end) {

    private static final Pattern SINGLE = Pattern.compile("bytes=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");

    /** Thrown when the range is well-formed but cannot be satisfied: 416. */
    static final class Unsatisfiable extends RuntimeException {
        Unsatisfiable() {
            super("requested range not satisfiable", null, false, false);
        }
    }

    /** The range to serve, or null for the whole blob. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long start = Long.parseLong(m.group(1));
            long end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start) {
                return null; // syntactically invalid: ignore the header
            }
            if (start >= size) {
                throw new Unsatisfiable();
            }
            return new ByteRange(start, end);
        } catch (NumberFormatException e) {
            // Larger than a long: no blob is that big.
            throw new Unsatisfiable();
        }
    }

    long length() {
        return end - start + 1;
    }
}
