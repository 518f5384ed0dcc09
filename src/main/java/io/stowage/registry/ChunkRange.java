package io.stowage.registry;

/** The inclusive byte range a chunk claims to cover ({@code Content-Range} of a PATCH or PUT). */
public record ChunkRange(long start, long end) {

    public long length() {
        return end - start + 1;
    }
}
