package dev.lanyard.session.servlet.gadgets;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/** A stand-in gadget: its readObject flips {@link GadgetFlag}. Its package is never allowed in the drop-in suite. */
public class FlagGadget implements Serializable {
  private static final long serialVersionUID = 1L;

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    GadgetFlag.RAN.incrementAndGet();
  }
}
