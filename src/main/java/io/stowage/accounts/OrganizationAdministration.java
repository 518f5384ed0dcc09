package io.stowage.accounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Organizations and their teams. Administrators create and delete organizations; an organization's owners (a team
 * with the {@code owner} role) and administrators manage its teams, their roles and members; every member may see the
 * organization. An organization owns the namespace of its name, which no user may own as well. Deleting an
 * organization leaves its repositories in place, for administrators to manage.
 */
@Service
public class OrganizationAdministration {

    /** The team a new organization starts with, holding its owners. */
    public static final String OWNERS_TEAM = "owners";
    static final String ORGANIZATION_CREATE = "organization.create";
    static final String ORGANIZATION_DELETE = "organization.delete";
    static final String TEAM_CREATE = "team.create";
    static final String TEAM_UPDATE = "team.update";
    static final String TEAM_DELETE = "team.delete";
    static final String MEMBER_ADD = "team.member.add";
    static final String MEMBER_REMOVE = "team.member.remove";

    private static final Pattern TEAM_NAME = Pattern.compile("[a-z0-9]+(?:[._-][a-z0-9]+)*");
    private static final int MAX_NAME = 64;
    private static final int MAX_ROLES = 100;

    private final OrganizationRepository organizations;
    private final TeamRepository teams;
    private final UserRepository users;
    private final RobotRepository robots;
    private final ApplicationEventPublisher events;
    private final ChangeAudit audit;

    public OrganizationAdministration(OrganizationRepository organizations, TeamRepository teams, UserRepository users,
                                      RobotRepository robots, ApplicationEventPublisher events, ChangeAudit audit) {
        this.organizations = organizations;
        this.teams = teams;
        this.users = users;
        this.robots = robots;
        this.events = events;
        this.audit = audit;
    }

    /** An organization to create, with the members of its {@code owners} team (users or {@code robot+<name>}). */
    public record NewOrganization(@NotNull String name, List<@NotNull String> owners) implements StrictRequestBody {
    }

    /** A role on the repositories a pattern matches; no pattern means the whole organization ({@code <name>/*}). */
    public record RoleView(String repository, @NotNull String role) implements StrictRequestBody {
    }

    /**
     * A group of an identity provider whose members a team gives its roles to: {@code provider} is the OIDC
     * provider's registration id ({@code stowage.auth.oidc.providers.<id>}), {@code group} the group's name in the
     * provider's groups claim.
     */
    public record GroupView(@NotNull String provider, @NotNull String group) implements StrictRequestBody {
    }

    /** A team to create. */
    public record NewTeam(@NotNull String name, @NotNull List<@NotNull @Valid RoleView> roles,
                          List<@NotNull String> members, List<@NotNull @Valid GroupView> groups)
            implements StrictRequestBody {
    }

    /** What to change about a team: its roles, or its groups, each all replaced when given. */
    public record TeamChanges(List<@NotNull @Valid RoleView> roles, List<@NotNull @Valid GroupView> groups)
            implements StrictRequestBody {
    }

    public record TeamView(String name, List<RoleView> roles, List<String> members, List<GroupView> groups,
                           Instant createdAt) {
    }

    public record OrganizationView(String name, String createdBy, Instant createdAt, List<TeamView> teams) {
    }

    /** The organizations the caller may see: all of them for an administrator, else those they are a member of. */
    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public List<OrganizationView> list(Actor caller) {
        Set<String> memberOf = caller.identity().roles().stream().map(RoleGrant::organization)
                .collect(Collectors.toSet());
        List<Organization> visible = caller.admin() ? organizations.findAllByOrderByName()
                : memberOf.isEmpty() ? List.of() : organizations.findByNameInOrderByName(memberOf);
        if (visible.isEmpty()) {
            return List.of();
        }
        Map<String, List<TeamView>> teamsOf = teams.ofOrganizations(visible.stream().map(Organization::name).toList())
                .stream().collect(Collectors.groupingBy(team -> team.organization().name(),
                        Collectors.mapping(OrganizationAdministration::view, Collectors.toList())));
        return visible.stream().map(o -> view(o, teamsOf.getOrDefault(o.name(), List.of()))).toList();
    }

    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public OrganizationView get(Actor caller, String name) {
        requireMember(caller, name);
        return view(find(name));
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public OrganizationView create(Actor caller, NewOrganization request) {
        caller.requireAdmin();
        String name = request.name();
        if (name.length() > MAX_NAME || !Users.NAMESPACE.matcher(name).matches()) {
            throw ActionRefused.invalid("invalid organization name: lowercase letters, digits and . _ - separators");
        }
        if (organizations.existsByName(name) || users.findByUsername(name).isPresent()) {
            throw ActionRefused.nameTaken("a user or an organization named " + name + " exists already");
        }
        Organization organization = organizations.saveAndFlush(new Organization(name, caller.actor()));
        Team owners = new Team(organization, OWNERS_TEAM);
        owners.replaceRoles(List.of(new TeamRole(organization.namespace(), Role.OWNER)));
        List<String> members = request.owners() == null ? List.of() : request.owners();
        for (String member : members) {
            addMember(owners, member);
        }
        teams.saveAndFlush(owners);
        members.forEach(member -> events.publishEvent(new AccountsChanged(member)));
        audit.record(caller, ORGANIZATION_CREATE, name, Map.of("owners", members));
        return view(organization);
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void delete(Actor caller, String name) {
        caller.requireAdmin();
        Organization organization = find(name);
        teams.ofOrganization(name).forEach(team -> changed(team, false));
        organizations.delete(organization);
        audit.record(caller, ORGANIZATION_DELETE, name, null);
    }

    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public List<TeamView> teams(Actor caller, String organization) {
        requireMember(caller, organization);
        find(organization);
        return teams.ofOrganization(organization).stream().map(OrganizationAdministration::view).toList();
    }

    @Transactional(value = AccountsPersistence.TRANSACTIONS, readOnly = true)
    public TeamView team(Actor caller, String organization, String team) {
        requireMember(caller, organization);
        return view(findTeam(organization, team));
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public TeamView createTeam(Actor caller, String organization, NewTeam request) {
        requireOwner(caller, organization);
        Organization owner = find(organization);
        String name = request.name();
        if (name.length() > MAX_NAME || !TEAM_NAME.matcher(name).matches()) {
            throw ActionRefused.invalid("invalid team name: lowercase letters, digits and . _ - separators");
        }
        if (teams.find(organization, name).isPresent()) {
            throw ActionRefused.nameTaken("a team named " + name + " exists already in " + organization);
        }
        Team team = new Team(owner, name);
        team.replaceRoles(roles(owner, request.roles()));
        team.replaceGroups(groups(request.groups() == null ? List.of() : request.groups()));
        List<String> members = request.members() == null ? List.of() : request.members();
        for (String member : members) {
            addMember(team, member);
        }
        Team saved = teams.saveAndFlush(team);
        changed(saved, false);
        audit.record(caller, TEAM_CREATE, organization + "/" + name, detail(saved));
        return view(saved);
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public TeamView updateTeam(Actor caller, String organization, String name, TeamChanges changes) {
        requireOwner(caller, organization);
        if (changes.roles() == null && changes.groups() == null) {
            throw ActionRefused.invalid("nothing to change: give the team's roles, its groups, or both");
        }
        Team team = findTeam(organization, name);
        if (changes.roles() != null) {
            team.replaceRoles(roles(team.organization(), changes.roles()));
        }
        if (changes.groups() != null) {
            team.replaceGroups(groups(changes.groups()));
        }
        boolean hadGroups = !team.groups().isEmpty();
        teams.saveAndFlush(team);
        changed(team, hadGroups);
        audit.record(caller, TEAM_UPDATE, organization + "/" + name, detail(team));
        return view(team);
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void deleteTeam(Actor caller, String organization, String name) {
        requireOwner(caller, organization);
        Team team = findTeam(organization, name);
        changed(team, false);
        teams.delete(team);
        audit.record(caller, TEAM_DELETE, organization + "/" + name, null);
    }

    /** Adds a user or {@code robot+<name>} to the team; adding a member again changes nothing. */
    @Transactional(AccountsPersistence.TRANSACTIONS)
    public TeamView addMember(Actor caller, String organization, String name, String member) {
        requireOwner(caller, organization);
        Team team = findTeam(organization, name);
        if (addMember(team, member)) {
            teams.saveAndFlush(team);
            events.publishEvent(new AccountsChanged(member));
            audit.record(caller, MEMBER_ADD, organization + "/" + name, Map.of("member", member));
        }
        return view(team);
    }

    @Transactional(AccountsPersistence.TRANSACTIONS)
    public void removeMember(Actor caller, String organization, String name, String member) {
        requireOwner(caller, organization);
        Team team = findTeam(organization, name);
        boolean removed = member.startsWith(Identity.ROBOT_PREFIX)
                ? team.remove(robot(member))
                : team.remove(user(member));
        if (!removed) {
            throw ActionRefused.notFound(member + " is not a member of " + organization + "/" + name);
        }
        teams.saveAndFlush(team);
        events.publishEvent(new AccountsChanged(member));
        audit.record(caller, MEMBER_REMOVE, organization + "/" + name, Map.of("member", member));
    }

    /**
     * Tells every node's caches that the team's members, and the users its groups hold (who have no name here), may
     * have other roles now.
     */
    private void changed(Team team, boolean hadGroups) {
        team.members().forEach(member -> events.publishEvent(new AccountsChanged(member)));
        if (hadGroups || !team.groups().isEmpty()) {
            events.publishEvent(new AccountsChanged(team.organization().name() + "/" + team.name()));
        }
    }

    private boolean addMember(Team team, String member) {
        return member.startsWith(Identity.ROBOT_PREFIX) ? team.add(robot(member)) : team.add(user(member));
    }

    private UserAccount user(String username) {
        return users.findByUsername(username).orElseThrow(() -> ActionRefused.notFound("no user named " + username));
    }

    private RobotAccount robot(String member) {
        String name = member.substring(Identity.ROBOT_PREFIX.length());
        return robots.findByName(name).orElseThrow(() -> ActionRefused.notFound("no robot named " + name));
    }

    /** The roles as given; a pattern outside the organization's namespace is the caller's error. */
    private static List<TeamRole> roles(Organization organization, List<RoleView> requested) {
        if (requested.size() > MAX_ROLES) {
            throw ActionRefused.invalid("a team has at most " + MAX_ROLES + " roles");
        }
        List<TeamRole> roles = new ArrayList<>();
        for (RoleView role : requested) {
            RepositoryPattern pattern = role.repository() == null ? organization.namespace()
                    : RepositoryPattern.of(role.repository());
            if (!pattern.pattern().startsWith(organization.name() + "/")) {
                throw ActionRefused.invalid("the pattern " + pattern + " lies outside the namespace "
                        + organization.name() + "/");
            }
            roles.add(new TeamRole(pattern, Role.of(role.role())));
        }
        return roles;
    }

    private static Set<ExternalGroup> groups(List<GroupView> requested) {
        if (requested.size() > MAX_ROLES) {
            throw ActionRefused.invalid("a team has at most " + MAX_ROLES + " groups");
        }
        Set<ExternalGroup> groups = new LinkedHashSet<>();
        requested.forEach(group -> groups.add(new ExternalGroup(group.provider(), group.group())));
        return groups;
    }

    /** Refuses before any lookup, so that a 404 never tells an outsider that an organization exists. */
    private static void requireMember(Actor caller, String organization) {
        if (!caller.identity().belongsTo(organization)) {
            throw ActionRefused.forbidden("only administrators and members of " + organization + " may see it");
        }
    }

    private static void requireOwner(Actor caller, String organization) {
        if (!caller.identity().owns(organization)) {
            throw ActionRefused.forbidden("only administrators and owners of " + organization
                    + " may manage its teams");
        }
    }

    private Organization find(String name) {
        return organizations.findByName(name)
                .orElseThrow(() -> ActionRefused.notFound("no organization named " + name));
    }

    private Team findTeam(String organization, String name) {
        return teams.find(organization, name)
                .orElseThrow(() -> ActionRefused.notFound("no team named " + name + " in " + organization));
    }

    private OrganizationView view(Organization organization) {
        return view(organization,
                teams.ofOrganization(organization.name()).stream().map(OrganizationAdministration::view).toList());
    }

    private static OrganizationView view(Organization organization, List<TeamView> teams) {
        return new OrganizationView(organization.name(), organization.createdBy(), organization.createdAt(), teams);
    }

    private static TeamView view(Team team) {
        return new TeamView(team.name(), team.roles().stream()
                .map(r -> new RoleView(r.repositoryPattern(), r.role().label())).toList(), team.members(),
                team.groups().stream().map(g -> new GroupView(g.source(), g.name())).toList(), team.createdAt());
    }

    private static Map<String, Object> detail(Team team) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("roles", view(team).roles());
        detail.put("members", team.members());
        detail.put("groups", team.groups().stream().map(ExternalGroup::toString).toList());
        return detail;
    }
}
