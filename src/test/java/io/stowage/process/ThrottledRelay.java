package io.stowage.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on loopback in front of a server, passing the server's answers on at a limited rate per connection: an
 * upstream registry as slow as one across the internet, so that a test can see what happens while a transfer is
 * still running. Records when it passed the last byte of an answer on.
 */
public final class ThrottledRelay implements AutoCloseable {

    private final ServerSocket server;
    private final URI target;
    private final long bytesPerSecond;
    private final long stallAfter;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong lastAnswerByteNanos = new AtomicLong();

    private ThrottledRelay(URI target, long bytesPerSecond, long stallAfter) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.bytesPerSecond = bytesPerSecond;
        this.stallAfter = stallAfter;
        threads.execute(this::accept);
    }

    static ThrottledRelay start(URI target, long bytesPerSecond) throws IOException {
        return new ThrottledRelay(target, bytesPerSecond, Long.MAX_VALUE);
    }

    /**
     * A relay that passes the server's answers on until {@code bytes} went through a connection, then sends nothing
     * more on it while keeping it open: an upstream that stalls in the middle of a blob.
     */
    public static ThrottledRelay stalling(URI target, long bytes) throws IOException {
        return new ThrottledRelay(target, Long.MAX_VALUE / 4, bytes);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** {@link System#nanoTime} when the relay last passed a byte from the server on. */
    long lastAnswerByteNanos() {
        return lastAnswerByteNanos.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getHost(), target.getPort());
                threads.execute(() -> pump(client, upstream, false));
                threads.execute(() -> pump(upstream, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean throttled) {
        byte[] buffer = new byte[64 * 1024];
        long started = System.nanoTime();
        long sent = 0;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            long last = started;
            long relayed = 0;
            while ((read = in.read(buffer)) >= 0) {
                if (throttled && relayed + read > stallAfter) {
                    out.write(buffer, 0, (int) (stallAfter - relayed));
                    out.flush();
                    Thread.sleep(Long.MAX_VALUE); // until the relay closes
                }
                relayed += read;
                out.write(buffer, 0, read);
                out.flush();
                if (throttled) {
                    if (System.nanoTime() - last > 50_000_000L) {
                        // A new answer after a pause: no credit from the idle time.
                        started = System.nanoTime();
                        sent = 0;
                    }
                    lastAnswerByteNanos.set(System.nanoTime());
                    sent += read;
                    long due = started + sent * 1_000_000_000L / bytesPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    last = System.nanoTime();
                }
            }
        } catch (IOException | InterruptedException e) {
            // one side closed: the other goes too
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        // Interrupts the stalled pumps too.
        server.close();
        threads.shutdownNow();
    }
}
