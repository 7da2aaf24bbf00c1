package dev.lanyard.session.jackson.app;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An application's session value, written as for Java serialization (readObject counts its calls). */
public class Cart implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How often Java deserialization ran for a Cart; the JSON codec must never make it move. */
    public static final AtomicInteger JAVA_READS = new AtomicInteger();

    private final List<String> items = new ArrayList<>();
    private Object note;
    private transient String cached = "not stored";

    /** @param item what to add */
    public void add(String item) {
        items.add(item);
    }

    /** @param value anything allowed */
    public void note(Object value) {
        this.note = value;
    }

    /** @return the note */
    public Object note() {
        return note;
    }

    /** @return the transient field */
    public String cached() {
        return cached;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        JAVA_READS.incrementAndGet();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cart c && c.items.equals(items) && java.util.Objects.equals(c.note, note);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
