package dev.lanyard.session.tck.gadgets;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A stand-in gadget: its readObject flips {@link GadgetFlag}. Tests never allow its package, except in positive controls.
 *
 * @since 0.1.0
 */
public class FlagGadget implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        GadgetFlag.RAN.incrementAndGet();
    }
}
