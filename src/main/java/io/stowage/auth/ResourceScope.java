package io.stowage.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One requested resource scope, {@code type:name:action[,action]*} as in the token scope grammar, e.g.
 * {@code repository:team/app:pull,push}, {@code repository(plugin):team/app:pull} or {@code registry:catalog:*}.
 * The deprecated resource class ({@code (plugin)}) is accepted and dropped, as distribution does.
 */
public record ResourceScope(String type, String name, Set<String> actions) {

    private static final String TYPE = "([a-z0-9]+)(?:\\([a-z0-9]+\\))?";
    private static final String HOST_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String HOSTNAME = HOST_COMPONENT + "(?:\\." + HOST_COMPONENT + ")*(?::[0-9]+)?";
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*";
    private static final String NAME = "(?:" + HOSTNAME + "/)?" + COMPONENT + "(?:/" + COMPONENT + ")*";
    private static final String ACTION = "(?:[a-z]*|\\*)";
    private static final Pattern SCOPE = Pattern.compile(
            TYPE + ":(" + NAME + "):(" + ACTION + "(?:," + ACTION + ")*)");

    /**
     * Docker clients ask for one to three scopes (a pull, a push, a mount's source); this leaves room for tools that
     * ask for many repositories at once while keeping one request from costing thousands of lookups.
     */
    public static final int MAX_PER_REQUEST = 100;

    public ResourceScope {
        actions = Collections.unmodifiableSet(new LinkedHashSet<>(actions));
    }

    /** Parses one resource scope; throws {@link InvalidScopeException} when it does not follow the grammar. */
    public static ResourceScope parse(String scope) {
        Matcher m = SCOPE.matcher(scope);
        if (scope.length() > 1024 || !m.matches()) {
            throw new InvalidScopeException("invalid scope: " + abbreviate(scope));
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String action : m.group(3).split(",")) {
            if (!action.isEmpty()) {
                actions.add(action);
            }
        }
        return new ResourceScope(m.group(1), m.group(2), actions);
    }

    /**
     * Parses every scope in the given parameter values, each of which may hold several scopes separated by spaces
     * (the POST form's single {@code scope} field does); blank values are ignored. More than {@link #MAX_PER_REQUEST}
     * scopes, or more than {@link TokenIssuer#MAX_TOKEN_CHARS} characters of them (a token names every scope asked
     * for, so it could not be smaller), are refused before any is looked at.
     */
    public static List<ResourceScope> parseAll(List<String> values) {
        if (values == null) {
            return new ArrayList<>();
        }
        List<String> texts = new ArrayList<>();
        long characters = 0;
        for (String value : values) {
            for (String scope : value.trim().split(" +")) {
                if (!scope.isEmpty()) {
                    texts.add(scope);
                    characters += scope.length();
                    if (texts.size() > MAX_PER_REQUEST) {
                        throw new InvalidScopeException("too many scopes: at most " + MAX_PER_REQUEST
                                + " in one request");
                    }
                    if (characters > TokenIssuer.MAX_TOKEN_CHARS) {
                        throw new InvalidScopeException("the scopes asked for would make a token larger than "
                                + TokenIssuer.MAX_TOKEN_CHARS + " bytes: ask for fewer");
                    }
                }
            }
        }
        return new ArrayList<>(texts.stream().map(ResourceScope::parse).toList());
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
