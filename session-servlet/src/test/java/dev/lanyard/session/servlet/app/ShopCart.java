package dev.lanyard.session.servlet.app;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** An application's own session value, written as servlet developers write them. */
public class ShopCart implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> items = new ArrayList<>();

    /** @param item what to add */
    public void add(String item) {
        items.add(item);
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
