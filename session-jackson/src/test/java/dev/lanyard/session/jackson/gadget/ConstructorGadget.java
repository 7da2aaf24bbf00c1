package dev.lanyard.session.jackson.gadget;

import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in gadget for JSON: building one runs code (its constructor flips {@link #RAN}). */
public class ConstructorGadget {

    /** Incremented whenever one is built. */
    public static final AtomicInteger RAN = new AtomicInteger();

    /** Something to carry. */
    public String command = "calc";

    /** Flips the flag. */
    public ConstructorGadget() {
        RAN.incrementAndGet();
    }
}
