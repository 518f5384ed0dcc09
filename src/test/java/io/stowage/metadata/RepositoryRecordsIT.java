package io.stowage.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.stowage.RegistryTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Row locks the {@code repositories} table's statements take, which concurrent pushes of one repository meet. */
class RepositoryRecordsIT extends RegistryTestBase {

    @Autowired
    private RepositoryRecords repositories;

    @Autowired
    private JdbcClient jdbc;

    @Autowired
    private PlatformTransactionManager transactions;

    /**
     * Two pushes that both find a new repository missing both create it: the second must not lock the row the first
     * created. A lock held to the end of its push blocked every link and review inserted meanwhile (their foreign
     * keys share-lock the row), and a push holding one of those and waiting for the second closed a deadlock: 20
     * clients pushing one blob into one repository got 503s (UploadApiS3IT).
     */
    @Test
    void creatingARepositoryAnotherPushJustCreatedLeavesItsRowUnlocked() throws Exception {
        String name = uniqueRepository("records-race");
        TransactionTemplate tx = new TransactionTemplate(transactions);
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch commitFirst = new CountDownLatch(1);
        CountDownLatch secondHasId = new CountDownLatch(1);
        CountDownLatch endSecond = new CountDownLatch(1);
        // Threads of their own: the common pool may have one on a small machine, and both must run at once.
        ExecutorService pushes = Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            long id = repositories.getOrCreate(name);
            inserted.countDown();
            await(commitFirst);
            return id;
        }), pushes);
        assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();
        // The second finds no committed row and meets the first's insert: it waits for the first to commit.
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            long id = repositories.getOrCreate(name);
            secondHasId.countDown();
            await(endSecond);
            return id;
        }), pushes);
        try {
            awaitWaitingFor(name);
            commitFirst.countDown();
            long id = first.get(10, TimeUnit.SECONDS);
            assertThat(secondHasId.await(10, TimeUnit.SECONDS)).isTrue();

            // What a link's foreign key takes on the row, while the second push is still open.
            Boolean shared = tx.execute(status -> {
                jdbc.sql("set local lock_timeout = '2s'").update();
                return jdbc.sql("select true from repositories where id = ? for key share").param(id)
                        .query(Boolean.class).single();
            });
            assertThat(shared).isTrue();
            endSecond.countDown();
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(id);
        } finally {
            commitFirst.countDown();
            endSecond.countDown();
            pushes.close();
        }
    }

    private void awaitWaitingFor(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Integer waiting = jdbc.sql("""
                    select count(*) from pg_stat_activity
                    where wait_event_type = 'Lock' and query like 'insert into repositories%'""")
                    .query(Integer.class).single();
            if (waiting > 0) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the second creation of " + name + " never waited for the first");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
