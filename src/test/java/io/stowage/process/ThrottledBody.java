package io.stowage.process;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** A request body sent slowly (one piece every 20 ms), so that a test can act on the server while it streams. */
final class ThrottledBody {

    private ThrottledBody() {
    }

    /** {@code length} bytes of {@code content} from {@code offset}, at most {@code piece} bytes every 20 ms. */
    static HttpRequest.BodyPublisher of(byte[] content, int offset, int length, int piece) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() ->
                new ByteArrayInputStream(Arrays.copyOfRange(content, offset, offset + length)) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(20);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.read(b, off, Math.min(len, piece));
                    }
                }), length);
    }
}
