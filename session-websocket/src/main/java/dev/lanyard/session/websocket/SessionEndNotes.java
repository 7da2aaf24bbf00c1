package dev.lanyard.session.websocket;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionListener} that leaves a short note in the shared store saying why a session ended
 * (revoked with which reason, or rotated), so that another node, which finds only that the session is
 * gone, can close its sockets with the right reason. Register it on every node's {@code SessionManager}
 * with the same store the manager uses. Without it, sockets still close on every node, with the reason
 * {@link SocketCloseCause#ENDED} on the nodes that did not end the session.
 *
 * <p>Cost: one {@code putIfAbsent} per revocation or rotation, kept for {@link #NOTE_TTL}. A failed write
 * is logged and dropped: it never breaks the revocation. Thread-safe.
 *
 * @since 0.1.0
 */
public final class SessionEndNotes implements SessionListener {

    /** How long a note is kept: long enough for every node's next check. */
    public static final Duration NOTE_TTL = Duration.ofMinutes(2);

    private static final Logger LOG = LoggerFactory.getLogger(SessionEndNotes.class);
    private static final String PREFIX = "lanyard:ws:end:";

    private final AtomicValueStore values;

    /**
     * @param values the shared store's value operations (the session store itself, when it implements them)
     */
    public SessionEndNotes(AtomicValueStore values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    @Override
    public void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.Revoked revoked) {
            note(revoked.handle(), SocketCloseCause.of(revoked.reason()));
        } else if (event instanceof SessionEvent.Rotated rotated) {
            note(rotated.oldHandle(), SocketCloseCause.of(rotated.cause()));
        }
    }

    private void note(SessionHandle handle, SocketCloseCause cause) {
        try {
            values.putIfAbsent(PREFIX + handle.value(), cause.name().getBytes(StandardCharsets.US_ASCII), NOTE_TTL);
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not note why session {} ended ({}); its sockets on other nodes will close as ENDED",
                    handle,
                    e.getClass().getName());
        }
    }

    /** Reads the note for a session that is gone. */
    static Optional<SocketCloseCause> read(AtomicValueStore values, SessionHandle handle) {
        try {
            return values.get(PREFIX + handle.value())
                    .map(bytes -> new String(bytes, StandardCharsets.US_ASCII))
                    .flatMap(name -> {
                        try {
                            return Optional.of(SocketCloseCause.valueOf(name));
                        } catch (IllegalArgumentException e) {
                            return Optional.empty();
                        }
                    });
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
