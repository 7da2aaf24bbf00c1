package dev.lanyard.session.tck.gadgets;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how often a test gadget's deserialization code ran; refusal tests assert zero.
 *
 * @since 0.1.0
 */
public final class GadgetFlag {

    /** Incremented by {@link FlagGadget}'s readObject. */
    public static final AtomicInteger RAN = new AtomicInteger();

    private GadgetFlag() {}
}
