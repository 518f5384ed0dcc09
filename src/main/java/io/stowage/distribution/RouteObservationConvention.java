package io.stowage.distribution;

import io.micrometer.common.KeyValue;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Names the routes of {@code http_server_requests} as the distribution spec writes them,
 * {@code /v2/{name}/manifests/{reference}}, instead of with the routing filter's internal prefix. Repository names
 * never appear in the tag, so its values stay few.
 */
@Component
class RouteObservationConvention extends DefaultServerRequestObservationConvention {

    @Override
    protected KeyValue uri(ServerRequestObservationContext context) {
        KeyValue uri = super.uri(context);
        return uri.getValue().startsWith(RepositoryRouteFilter.PREFIX)
                ? KeyValue.of(uri.getKey(), "/v2/{name}" + uri.getValue().substring(RepositoryRouteFilter.PREFIX.length()))
                : uri;
    }
}
