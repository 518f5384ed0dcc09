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
