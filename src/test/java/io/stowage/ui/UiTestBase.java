package io.stowage.ui;

import java.net.http.HttpResponse;
import java.util.Map;

import io.stowage.admin.AdminApiTestBase;

/**
 * Helpers for the web UI tests (each annotated {@code @TokenAuth}): pages and form posts over real HTTP with a
 * session cookie, signing in through {@code /ui/login}, and the CSRF token a page's forms carry; see
 * {@link UiForms}, which tests outside this package use directly.
 */
abstract class UiTestBase extends AdminApiTestBase {

    protected UiForms forms() {
        return new UiForms(http, baseUrl());
    }

    /** Signs in through the login form; the {@code name=value} of the session cookie it sets. */
    protected String signIn(String user, String password) throws Exception {
        return forms().signIn(user, password);
    }

    /** The CSRF token of the first form in the page. */
    protected static String csrf(String html) {
        return UiForms.csrf(html);
    }

    /** GETs a page, with the session cookie unless it is null. */
    protected HttpResponse<String> page(String path, String cookie) throws Exception {
        return forms().page(path, cookie);
    }

    /** POSTs a form, with the session cookie unless it is null. */
    protected HttpResponse<String> post(String path, String cookie, Map<String, String> fields) throws Exception {
        return forms().post(path, cookie, fields);
    }
}
