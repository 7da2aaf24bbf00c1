package dev.lanyard.session.app;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** An application's own session value, as a servlet developer writes it. */
public final class Cart implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> items = new ArrayList<>();

    /** @param item what to add */
    public void add(String item) {
        items.add(item);
    }

    /** @return the items */
    public List<String> items() {
        return items;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cart c && c.items.equals(items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }
}
