package io.stowage.proxy;

import java.io.IOException;

/**
 * The transfer of a blob from its upstream broke off (the upstream failed, stalled, or sent bytes of another digest)
 * while a client was streaming it: the client's answer must break off too, never end as if complete.
 */
public final class UpstreamTransferBroken extends IOException {

    UpstreamTransferBroken(String message, Throwable cause) {
        super(message, cause);
    }
}
