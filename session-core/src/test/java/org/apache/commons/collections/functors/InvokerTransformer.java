package org.apache.commons.collections.functors;

import dev.lanyard.session.gadget.GadgetFlag;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A test stand-in named like a published deserialization gadget: its readObject flips
 * {@link GadgetFlag}, so a test can prove that no refused record ran any code.
 */
public class InvokerTransformer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Something to carry. */
    public String payload = "calc";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        GadgetFlag.RAN.incrementAndGet();
    }
}
