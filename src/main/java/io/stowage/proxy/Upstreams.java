package io.stowage.proxy;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.stowage.config.StowageProperties;
import org.springframework.stereotype.Component;

/** The upstream registries of {@code stowage.proxy.upstreams}, and which of them a repository name belongs to. */
@Component
public class Upstreams {

    /** A cached repository: the upstream it comes from, and its name there. */
    public record Route(Upstream upstream, String remoteName) {
    }

    private final List<Upstream> upstreams;

    public Upstreams(StowageProperties properties) {
        StowageProperties.Proxy proxy = properties.proxy();
        this.upstreams = proxy.upstreams().entrySet().stream()
                .map(entry -> {
                    StowageProperties.Upstream settings = entry.getValue();
                    RegistryClient.Credentials credentials = settings.username() == null
                            || settings.username().isBlank() ? null
                            : new RegistryClient.Credentials(settings.username(),
                            settings.password() == null ? "" : settings.password());
                    return new Upstream(entry.getKey(), settings,
                            new RegistryClient(settings.url(), credentials, proxy.timeout()));
                })
                .sorted(Comparator.comparing(Upstream::name))
                .toList();
    }

    public List<Upstream> all() {
        return upstreams;
    }

    public boolean isEmpty() {
        return upstreams.isEmpty();
    }

    /** The upstream whose namespace holds the repository, whether or not it serves that repository. */
    public Optional<Upstream> owner(String repository) {
        for (Upstream upstream : upstreams) {
            if (upstream.owns(repository)) {
                return Optional.of(upstream);
            }
        }
        return Optional.empty();
    }

    /**
     * The namespace a repository name without one belongs to when the request came as a mirror's: to a host name of
     * an upstream's {@code mirror-hosts} (Docker's {@code registry-mirrors}), or with containerd's {@code ?ns=} naming
     * a registry an upstream mirrors. Empty for an ordinary request.
     */
    public Optional<String> mirrorNamespace(String host, String ns) {
        if (upstreams.isEmpty()) {
            return Optional.empty();
        }
        String hostName = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
        String registry = ns == null ? null : ns.toLowerCase(java.util.Locale.ROOT);
        for (Upstream upstream : upstreams) {
            if (upstream.settings().mirrorHosts().contains(hostName)
                    || registry != null && upstream.settings().mirroredRegistries().contains(registry)) {
                return Optional.of(upstream.namespace());
            }
        }
        return Optional.empty();
    }

    /** Where a cached repository comes from; empty for a name outside every upstream's namespace. */
    public Optional<Route> route(String repository) {
        for (Upstream upstream : upstreams) {
            if (upstream.owns(repository)) {
                return upstream.remoteName(repository).map(remote -> new Route(upstream, remote));
            }
        }
        return Optional.empty();
    }
}
