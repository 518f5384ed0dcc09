package io.stowage.proxy;

import java.time.Duration;

import io.stowage.config.StowageProperties;
import io.stowage.registry.CachedContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Evicts cached images nobody pulled for {@code stowage.proxy.evict-after}: untags them and hands them to the online
 * collector, which deletes them and the layers no other repository holds. Pushed repositories are never touched.
 */
@Component
public class CacheEviction implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(CacheEviction.class);
    private static final int BATCH = 500;

    private final CachedContent content;
    private final StowageProperties properties;

    public CacheEviction(CachedContent content, StowageProperties properties) {
        this.content = content;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        // Also without upstreams: repositories cached from an upstream since removed from the settings age out too.
        // Every 24th of the period, between a second and an hour.
        Duration every = properties.proxy().evictAfter().dividedBy(24);
        if (every.compareTo(Duration.ofHours(1)) > 0) {
            every = Duration.ofHours(1);
        } else if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            every = Duration.ofSeconds(1);
        }
        registrar.addFixedDelayTask(this::evict, every);
    }

    /** One pass; how many cached tags and manifests it released to the collector. */
    public int evict() {
        int released = 0;
        try {
            int batch;
            do {
                batch = content.evict(properties.proxy().evictAfter(), BATCH);
                released += batch;
            } while (batch >= BATCH);
        } catch (RuntimeException e) {
            log.warn("Cache eviction failed (will retry): {}", e.toString());
        }
        if (released > 0) {
            log.info("Evicted {} cached tags and manifests not pulled for {}", released,
                    properties.proxy().evictAfter());
        }
        return released;
    }
}
