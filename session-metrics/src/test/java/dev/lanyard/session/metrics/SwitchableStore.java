package dev.lanyard.session.metrics;

import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.ForwardingSessionStore;

/** A real store that can be switched off: while down, every call fails as an unreachable server would. */
final class SwitchableStore extends ForwardingSessionStore {

    private volatile boolean down;

    SwitchableStore(SessionStore delegate) {
        super(delegate);
    }

    void down() {
        down = true;
    }

    @Override
    protected void beforeCall(String operation) {
        if (down) {
            throw new StoreUnavailableException("session store unreachable (switched off by the test)", null);
        }
    }
}
