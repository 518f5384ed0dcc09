package io.stowage.registry;

import java.util.List;

/** One page of a listing in byte order; {@code hasMore} says whether another page follows the last item. */
public record Page<T>(List<T> items, boolean hasMore) {

    /** The most a page holds, whatever {@code n} asks for. */
    public static final int MAX_SIZE = 10_000;

    /** Fetches {@code n} items (all, up to {@link #MAX_SIZE}, when n is null) with one look-ahead row. */
    static <T> Page<T> of(Integer n, java.util.function.IntFunction<List<T>> fetch) {
        if (n != null && n < 0) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "n must not be negative", null);
        }
        if (n != null && n == 0) {
            return new Page<>(List.of(), false);
        }
        int size = n == null ? MAX_SIZE : Math.min(n, MAX_SIZE);
        List<T> rows = fetch.apply(size + 1);
        return rows.size() > size ? new Page<>(rows.subList(0, size), true) : new Page<>(rows, false);
    }
}
