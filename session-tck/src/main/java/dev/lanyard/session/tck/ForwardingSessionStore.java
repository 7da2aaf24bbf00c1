package dev.lanyard.session.tck;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A store that passes every call to a real one after {@link #beforeCall(String)}: the base of
 * test doubles that count calls or make a real store fail on demand, without reimplementing it.
 * It has exactly the powers of {@link SessionStore}; a manager over it sees no optional power.
 *
 * @since 0.1.0
 */
public class ForwardingSessionStore implements SessionStore {

    private final SessionStore delegate;

    /**
     * @param delegate the real store every call goes to
     */
    public ForwardingSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Runs before every call; the default does nothing. Throw to make the call fail.
     *
     * @param operation the SPI method's name, such as {@code load}
     */
    protected void beforeCall(String operation) {}

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        beforeCall("load");
        return delegate.load(handle);
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        beforeCall("create");
        return delegate.create(record, ttl);
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        beforeCall("update");
        return delegate.update(handle, delta);
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        beforeCall("rotate");
        return delegate.rotate(from, rotation);
    }

    @Override
    public boolean delete(SessionHandle handle) {
        beforeCall("delete");
        return delegate.delete(handle);
    }

    /** Closes the real store. */
    @Override
    public void close() {
        delegate.close();
    }
}
