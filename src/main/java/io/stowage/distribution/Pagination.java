package io.stowage.distribution;

import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;

/** The {@code n} parameter of listings. */
final class Pagination {

    private Pagination() {
    }

    static Integer parseN(String n) {
        if (n == null || n.isEmpty()) {
            return null;
        }
        try {
            int value = Integer.parseInt(n);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            if (n.matches("\\d+")) {
                return Integer.MAX_VALUE; // huge but valid: capped to the page maximum
            }
        }
        throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must be a non-negative integer, not " + n, null);
    }
}
