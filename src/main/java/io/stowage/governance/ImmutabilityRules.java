package io.stowage.governance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stowage.accounts.ActionRefused;
import io.stowage.accounts.Actor;
import io.stowage.accounts.ChangeAudit;
import io.stowage.accounts.RepositoryPattern;
import io.stowage.accounts.StrictRequestBody;
import io.stowage.metadata.ImmutabilityRuleRecords;
import jakarta.validation.constraints.NotNull;
import org.springframework.stereotype.Service;

/**
 * Immutability rules: administrators set them for any repositories, the owners of a namespace (a user's own, an
 * organization's) for repositories in it. They apply at once on every node: they are read from the database whenever
 * a tag would move or go, which is rare, and never on a push that only adds tags.
 */
@Service
public class ImmutabilityRules {

    static final String RULE_CREATE = "immutability.create";
    static final String RULE_DELETE = "immutability.delete";
    static final int MAX_PATTERNS = 32;
    static final int MAX_DESCRIPTION = 1024;

    private final ImmutabilityRuleRecords records;
    private final ChangeAudit audit;

    ImmutabilityRules(ImmutabilityRuleRecords records, ChangeAudit audit) {
        this.records = records;
        this.audit = audit;
    }

    /** A rule to create: the repositories it covers, the tags it freezes there, and the exceptions. */
    public record NewRule(@NotNull String repository, @NotNull List<@NotNull String> tags, List<@NotNull String> except,
                          String description) implements StrictRequestBody {
    }

    /** A rule as the admin API shows it. */
    public record RuleView(long id, String repository, List<String> tags, List<String> except, String description,
                           String createdBy, Instant createdAt) {
    }

    /** Every rule for administrators; the rules of the namespaces they own for others. */
    public List<RuleView> list(Actor caller) {
        return records.list().stream().map(ImmutabilityRule::of)
                .filter(rule -> caller.admin() || ownsPattern(caller, rule.repositories()))
                .map(ImmutabilityRules::view).toList();
    }

    public RuleView create(Actor caller, NewRule rule) {
        if (rule == null) {
            throw ActionRefused.invalid("a JSON object with repository and tags is expected");
        }
        RepositoryPattern repositories = RepositoryPattern.of(rule.repository());
        requireOwner(caller, repositories);
        List<String> except = rule.except() == null ? List.of() : rule.except();
        if (rule.tags().isEmpty() || rule.tags().size() > MAX_PATTERNS || except.size() > MAX_PATTERNS) {
            throw ActionRefused.invalid("a rule has 1 to " + MAX_PATTERNS + " tag patterns and up to " + MAX_PATTERNS
                    + " exceptions");
        }
        if (rule.description() != null && rule.description().length() > MAX_DESCRIPTION) {
            throw ActionRefused.invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        rule.tags().forEach(TagPattern::of);
        except.forEach(TagPattern::of);
        RuleView created = view(ImmutabilityRule.of(records.insert(repositories.pattern(),
                List.copyOf(rule.tags()), List.copyOf(except), rule.description(), caller.actor())));
        audit.record(caller, RULE_CREATE, created.repository(), detail(created));
        return created;
    }

    public void delete(Actor caller, long id) {
        ImmutabilityRule rule = records.find(id).map(ImmutabilityRule::of)
                .filter(found -> caller.admin() || ownsPattern(caller, found.repositories()))
                .orElseThrow(() -> ActionRefused.notFound("no immutability rule with id " + id));
        records.delete(id);
        RuleView deleted = view(rule);
        audit.record(caller, RULE_DELETE, deleted.repository(), detail(deleted));
    }

    /** The first rule (oldest) freezing the tag of the repository. */
    Optional<ImmutabilityRule> covering(String repository, String tag) {
        return covering(repository).stream().filter(rule -> rule.coversTag(tag)).findFirst();
    }

    /** The rules covering the repository, oldest first. */
    List<ImmutabilityRule> covering(String repository) {
        return records.list().stream().map(ImmutabilityRule::of).filter(rule -> rule.coversRepository(repository))
                .toList();
    }

    /**
     * Whether the caller owns every repository the pattern can match: an administrator, or the owner of the namespace
     * the pattern starts with ({@code acme/...}, no {@code *} before the first slash).
     */
    private static boolean ownsPattern(Actor caller, RepositoryPattern pattern) {
        String text = pattern.pattern();
        int slash = text.indexOf('/');
        if (slash <= 0 || text.substring(0, slash).contains("*")) {
            return caller.admin();
        }
        return caller.identity().ownsNamespaceOf(text.substring(0, slash) + "/x");
    }

    private static void requireOwner(Actor caller, RepositoryPattern pattern) {
        if (!caller.admin() && !ownsPattern(caller, pattern)) {
            throw ActionRefused.forbidden("only administrators set rules for " + pattern
                    + "; the owners of a namespace set them for patterns inside it (<namespace>/...)");
        }
    }

    private static RuleView view(ImmutabilityRule rule) {
        return new RuleView(rule.id(), rule.repositories().pattern(),
                rule.tags().stream().map(TagPattern::pattern).toList(),
                rule.exceptions().stream().map(TagPattern::pattern).toList(), rule.description(), rule.createdBy(),
                rule.createdAt());
    }

    private static Map<String, Object> detail(RuleView rule) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("id", rule.id());
        detail.put("tags", rule.tags());
        detail.put("except", rule.except());
        detail.put("description", rule.description());
        return detail;
    }
}
