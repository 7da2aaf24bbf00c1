package dev.lanyard.session.tck.gadgets;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often a test gadget's deserialization code ran; refusal tests assert zero. */
public final class GadgetFlag {

  /** Incremented by {@link FlagGadget}'s readObject. */
  public static final AtomicInteger RAN = new AtomicInteger();

  private GadgetFlag() {}
}
