package io.stowage.ui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.support.ProxyDataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps the application's DataSource (test only, for the class that imports this) to record the JDBC statements run
 * on the threads serving HTTP requests. Background work (the pull tally's flush, storage metrics, the collector)
 * runs on other threads and is not recorded. Tomcat serves on virtual threads named {@code tomcat-handler-*} when
 * {@code spring.threads.virtual.enabled} is on, as it is here, and on {@code http-nio-*} platform threads otherwise.
 */
public class RequestStatementCounter implements BeanPostProcessor {

    private final List<String> statements = new CopyOnWriteArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof ProxyDataSource)) {
            return ProxyDataSourceBuilder.create("counted", dataSource)
                    .afterQuery((execution, queries) -> {
                        if (isRequestThread(Thread.currentThread().getName())) {
                            statements.add(String.join("; ", queries.stream().map(QueryInfo::getQuery).toList()));
                        }
                    })
                    .build();
        }
        return bean;
    }

    private static boolean isRequestThread(String name) {
        return name.startsWith("tomcat-handler-") || name.startsWith("http-nio-");
    }

    /** Forgets what was recorded so far. */
    public void reset() {
        statements.clear();
    }

    /** The statements recorded since the last {@link #reset}, in the order they ran (a batch counts once). */
    public List<String> statements() {
        return List.copyOf(statements);
    }
}
