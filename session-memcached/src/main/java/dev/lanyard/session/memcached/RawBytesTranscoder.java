package dev.lanyard.session.memcached;

import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;

/**
 * Passes item bytes through unchanged, with flags {@code 0}, and reads back only items with
 * flags {@code 0}. The client's default transcoder would turn an item flagged as a serialized
 * object into Java deserialization; an item in Memcached is not trusted input, so such an item
 * reads here as bytes the record codec refuses, never as an object.
 */
final class RawBytesTranscoder implements Transcoder<byte[]> {

    static final RawBytesTranscoder INSTANCE = new RawBytesTranscoder();

    /** Marks an item that was stored with other flags; no record starts with it. */
    private static final byte[] FOREIGN = {0};

    private RawBytesTranscoder() {}

    @Override
    public CachedData encode(byte[] value) {
        return new CachedData(0, value);
    }

    @Override
    public byte[] decode(CachedData data) {
        return data.getFlag() == 0 ? data.getData() : FOREIGN;
    }

    @Override
    public void setPrimitiveAsString(boolean primitiveAsString) {}

    @Override
    public void setPackZeros(boolean packZeros) {}

    @Override
    public void setCompressionThreshold(int threshold) {}

    @Override
    public boolean isPrimitiveAsString() {
        return false;
    }

    @Override
    public boolean isPackZeros() {
        return false;
    }

    @Override
    public void setCompressionMode(CompressionMode compressionMode) {}
}
