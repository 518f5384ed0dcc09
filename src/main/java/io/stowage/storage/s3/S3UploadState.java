package io.stowage.storage.s3;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What an S3 upload holds, kept by the registry in {@code uploads.storage_ref} between requests: the multipart
 * upload and the parts sent so far, and the carried tail (the bytes not yet enough for a part), which lives in
 * the state itself when tiny, else in an object of its own. Since the registry stores it in the same update that
 * moves the session forward, the state always describes exactly the bytes the session has received.
 *
 * @param multipartId the S3 multipart upload, or null before the first part
 * @param parts the parts sent, numbered from 1 in order
 * @param tailSize bytes carried after the parts
 * @param tailInline the tail's bytes, when kept in the state
 * @param tailKey the object holding the tail, when not kept in the state
 * @param supersededTailKey a tail object an earlier state referenced; garbage once this state is stored
 */
record S3UploadState(String multipartId, List<Part> parts, long tailSize, byte[] tailInline, String tailKey,
                     String supersededTailKey) {

    static final S3UploadState EMPTY = new S3UploadState(null, List.of(), 0, null, null, null);

    private static final String VERSION = "s3v1";

    /** A part sent to S3: its size, and the ETag that completing the upload names it by. */
    record Part(long size, String etag) {
    }

    S3UploadState {
        parts = List.copyOf(parts);
    }

    long partsSize() {
        long sum = 0;
        for (Part part : parts) {
            sum += part.size();
        }
        return sum;
    }

    /** Bytes the upload holds. */
    long size() {
        return partsSize() + tailSize;
    }

    String encode() {
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        out.append("mpu ").append(multipartId == null ? "-" : escape(multipartId)).append('\n');
        if (tailSize == 0) {
            out.append("tail 0\n");
        } else if (tailInline != null) {
            out.append("tail ").append(tailSize).append(" inline ")
                    .append(Base64.getEncoder().encodeToString(tailInline)).append('\n');
        } else {
            out.append("tail ").append(tailSize).append(" object ").append(escape(tailKey)).append('\n');
        }
        if (supersededTailKey != null) {
            out.append("superseded ").append(escape(supersededTailKey)).append('\n');
        }
        for (Part part : parts) {
            out.append("part ").append(part.size()).append(' ').append(escape(part.etag())).append('\n');
        }
        return out.toString();
    }

    static S3UploadState decode(String state) throws IOException {
        if (state == null || state.isEmpty()) {
            return EMPTY;
        }
        String[] lines = state.split("\n");
        if (!lines[0].equals(VERSION)) {
            throw new IOException("not the state of an S3 upload: " + abbreviate(state));
        }
        String multipartId = null;
        long tailSize = 0;
        byte[] tailInline = null;
        String tailKey = null;
        String superseded = null;
        List<Part> parts = new ArrayList<>();
        try {
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(" ");
                switch (f[0]) {
                    case "mpu" -> multipartId = f[1].equals("-") ? null : unescape(f[1]);
                    case "tail" -> {
                        tailSize = Long.parseLong(f[1]);
                        if (tailSize > 0 && f[2].equals("inline")) {
                            tailInline = Base64.getDecoder().decode(f[3]);
                        } else if (tailSize > 0) {
                            tailKey = unescape(f[3]);
                        }
                    }
                    case "superseded" -> superseded = unescape(f[1]);
                    case "part" -> parts.add(new Part(Long.parseLong(f[1]), unescape(f[2])));
                    default -> throw new IOException("unknown line in S3 upload state: " + lines[i]);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("malformed S3 upload state: " + abbreviate(state), e);
        }
        return new S3UploadState(multipartId, parts, tailSize, tailInline, tailKey, superseded);
    }

    private static String escape(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String unescape(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String state) {
        return state.length() > 80 ? state.substring(0, 80) + "..." : state;
    }
}
