package io.stowage.governance;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.stowage.metadata.HoldRecords;
import io.stowage.metadata.TagRecords;
import io.stowage.registry.ErrorCode;
import io.stowage.registry.RegistryException;
import io.stowage.registry.ReleaseProtection;
import org.springframework.stereotype.Component;

/** Answers the registry's {@link ReleaseProtection} questions from the immutability rules and the legal holds. */
@Component
class ReleaseGuard implements ReleaseProtection {

    private final ImmutabilityRules rules;
    private final HoldRecords holds;
    private final TagRecords tags;

    ReleaseGuard(ImmutabilityRules rules, HoldRecords holds, TagRecords tags) {
        this.rules = rules;
        this.holds = holds;
        this.tags = tags;
    }

    @Override
    public void requireMovable(String repository, long repositoryId, String tag) {
        Optional<HoldRecords.Row> hold = holds.onTag(repositoryId, tag);
        if (hold.isPresent()) {
            throw denied("tag " + tag + " of " + repository + " is on legal hold (" + describe(hold.get())
                    + "): it cannot move to another manifest", hold.get());
        }
        Optional<ImmutabilityRule> rule = rules.covering(repository, tag);
        if (rule.isPresent()) {
            throw denied("tag " + tag + " of " + repository + " is immutable by " + rule.get().describe()
                    + ": it cannot move to another manifest; push the image under a new tag", rule.get());
        }
    }

    @Override
    public String requireTagDeletable(String repository, long repositoryId, String tag, Exemption override) {
        Optional<HoldRecords.Row> hold = holds.onTag(repositoryId, tag);
        if (hold.isPresent()) {
            throw denied("tag " + tag + " of " + repository + " is on legal hold (" + describe(hold.get())
                    + "): it cannot be deleted until the hold is released", hold.get());
        }
        Optional<ImmutabilityRule> rule = rules.covering(repository, tag);
        if (rule.isEmpty()) {
            return null;
        }
        if (override == null) {
            throw denied("tag " + tag + " of " + repository + " is immutable by " + rule.get().describe()
                    + ": it cannot be deleted, except by an administrator or the namespace's owner who gives a"
                    + " reason (admin API: ?reason=)", rule.get());
        }
        return rule.get().describe();
    }

    @Override
    public void requireManifestDeletable(String repository, long repositoryId, long manifestId) {
        List<HoldRecords.Row> keeping = holds.keeping(manifestId);
        if (!keeping.isEmpty()) {
            throw denied("the manifest is on legal hold (" + describe(keeping.getFirst())
                    + "): it cannot be deleted until the hold is released", keeping.getFirst());
        }
        List<ImmutabilityRule> covering = rules.covering(repository);
        if (covering.isEmpty()) {
            return;
        }
        for (String tag : tags.namesOf(manifestId)) {
            for (ImmutabilityRule rule : covering) {
                if (rule.coversTag(tag)) {
                    throw denied("the manifest is tagged " + tag + ", which is immutable by " + rule.describe()
                            + ": deleting the manifest would delete the tag", rule);
                }
            }
        }
    }

    @Override
    public int requireRepositoryDeletable(String repository, long repositoryId, Exemption override) {
        List<HoldRecords.Row> held = holds.ofRepository(repositoryId);
        if (!held.isEmpty()) {
            throw denied(repository + " holds " + held.size() + (held.size() == 1 ? " item" : " items")
                    + " on legal hold (" + describe(held.getFirst()) + "): it cannot be deleted until every hold is"
                    + " released", held.getFirst());
        }
        List<ImmutabilityRule> covering = rules.covering(repository);
        if (covering.isEmpty()) {
            return 0;
        }
        List<String> immutable = tags.allNames(repositoryId).stream()
                .filter(tag -> covering.stream().anyMatch(rule -> rule.coversTag(tag))).toList();
        if (!immutable.isEmpty() && override == null) {
            ImmutabilityRule first = covering.stream().filter(rule -> rule.coversTag(immutable.getFirst()))
                    .findFirst().orElseThrow();
            throw denied(repository + " has " + immutable.size() + " immutable "
                    + (immutable.size() == 1 ? "tag" : "tags") + " (" + immutable.getFirst() + " by "
                    + first.describe() + "): it can be deleted only by an administrator or the namespace's owner who"
                    + " gives a reason (admin API: ?reason=)", first);
        }
        return immutable.size();
    }

    private static String describe(HoldRecords.Row hold) {
        return "hold " + hold.id() + " by " + hold.createdBy() + ": " + hold.reason();
    }

    private static RegistryException denied(String message, HoldRecords.Row hold) {
        return new RegistryException(ErrorCode.DENIED, ErrorCode.DENIED.status(), message, Map.of("hold", hold.id()));
    }

    private static RegistryException denied(String message, ImmutabilityRule rule) {
        return new RegistryException(ErrorCode.DENIED, ErrorCode.DENIED.status(), message, Map.of("rule", rule.id()));
    }
}
