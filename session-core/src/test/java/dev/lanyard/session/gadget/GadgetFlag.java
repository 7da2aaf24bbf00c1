package dev.lanyard.session.gadget;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often any test gadget's deserialization code ran; every refusal test asserts zero. */
public final class GadgetFlag {

    /** Incremented by each gadget's {@code readObject}. */
    public static final AtomicInteger RAN = new AtomicInteger();

    private GadgetFlag() {}
}
