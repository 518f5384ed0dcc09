package io.stowage.distribution;

import java.util.List;

import io.stowage.accounts.Actions;
import jakarta.servlet.http.HttpServletRequest;

/**
 * What a /v2/ request needs: nothing but a valid caller ({@code GET /v2/} and paths that lead nowhere), the catalog
 * scope, or actions on one repository. {@code challengeScope} is what the {@code WWW-Authenticate} challenge names
 * (for a mount it also asks for pull on the source, as distribution does).
 */
record RequiredAccess(String type, String name, List<String> actions, String challengeScope) {

    static final RequiredAccess AUTHENTICATED = new RequiredAccess(null, null, List.of(), null);
    /** {@code docker search}'s endpoint, the Docker Hub v1 API's only one Stowage serves. */
    static final String SEARCH_PATH = "/v1/search";
    /** The scope the docker daemon asks for before a search with a token (an identity token from docker login). */
    static final RequiredAccess SEARCH = new RequiredAccess("registry", "catalog", List.of(Actions.SEARCH),
            "registry:catalog:search");

    boolean isSearch() {
        return equals(SEARCH);
    }

    boolean authenticationOnly() {
        return type == null;
    }

    /**
     * The access {@code request} needs, given its path (before routing) and the repository and resource the route
     * found (both null when the path names no repository).
     */
    static RequiredAccess of(HttpServletRequest request, String path, String repository, String resource) {
        if (path.equals(SEARCH_PATH)) {
            return SEARCH;
        }
        if (path.equals("/v2/_catalog")) {
            return new RequiredAccess("registry", "catalog", List.of(Actions.ALL), "registry:catalog:*");
        }
        if (repository == null) {
            return AUTHENTICATED;
        }
        String method = request.getMethod();
        boolean upload = resource.startsWith("blobs/uploads");
        String scope = "repository:" + repository + ":";
        if (!upload && (method.equals("GET") || method.equals("HEAD"))) {
            return new RequiredAccess("repository", repository, List.of(Actions.PULL), scope + "pull");
        }
        if (!upload && method.equals("DELETE")) {
            return new RequiredAccess("repository", repository, List.of(Actions.DELETE), scope + "delete");
        }
        String challenge = scope + "pull,push";
        String from = parameter(request, "from");
        if (upload && parameter(request, "mount") != null && from != null && !from.equals(repository)
                && from.matches("[a-z0-9._/:-]{1,255}")) {
            challenge += " repository:" + from + ":pull";
        }
        return new RequiredAccess("repository", repository, List.of(Actions.PUSH), challenge);
    }

    /** A query parameter, or null when it is absent or the query string is malformed (the controller says so). */
    private static String parameter(HttpServletRequest request, String name) {
        try {
            return request.getParameter(name);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
