package io.stowage.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Which rows of a listing a page shows: page {@code ?page=} (from 1) of {@code ?n=} rows, bound as typed parameters by
 * the controllers (what is not a number arrives as null). Absent, or out of range, they fall back to the first page
 * and the default size, or to the largest size; a page past the end is the last one. A browser user gets the page,
 * never an error.
 */
record UiPaging(int page, int size) {

    static final int DEFAULT_SIZE = 100;
    static final int MAX_SIZE = 1000;

    /** The paging the visitor asked for; either parameter may be null. */
    static UiPaging of(Integer page, Integer n) {
        int number = page == null ? 1 : page;
        int size = n == null || n < 1 ? DEFAULT_SIZE : Math.min(n, MAX_SIZE);
        return new UiPaging(Math.max(number, 1), size);
    }

    /** This page, or the last when it lies past {@code total} rows. */
    UiPaging within(long total) {
        long pages = pages(total);
        return page > pages ? new UiPaging((int) pages, size) : this;
    }

    /** How many pages {@code total} rows fill (one, when there are none). */
    long pages(long total) {
        return Math.max(1, (total + size - 1) / size);
    }

    /** How many rows come before this page. */
    long offset() {
        return (long) (page - 1) * size;
    }

    /**
     * The pager under a listing of {@code total} rows, this page holding {@code shown} of them: {@code noun}
     * names them ("Tags"); links go to {@code path} with {@code query} (empty values left out) and the page.
     */
    UiViews.Pager pager(String noun, int shown, long total, String path, Map<String, String> query) {
        long first = shown == 0 ? 0 : offset() + 1;
        String range = String.format(Locale.ROOT, "%s %,d–%,d of %,d", noun, first, offset() + shown, total);
        long pages = pages(total);
        return new UiViews.Pager(range, page, pages,
                page > 1 ? link(path, query, page - 1) : null,
                page < pages ? link(path, query, page + 1) : null);
    }

    private String link(String path, Map<String, String> query, int target) {
        StringJoiner parameters = new StringJoiner("&", path + "?", "");
        query.forEach((name, value) -> {
            if (value != null && !value.isEmpty()) {
                parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        if (size != DEFAULT_SIZE) {
            parameters.add("n=" + size);
        }
        parameters.add("page=" + target);
        return parameters.toString();
    }
}
