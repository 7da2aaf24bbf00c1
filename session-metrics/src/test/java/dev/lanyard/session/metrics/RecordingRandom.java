package dev.lanyard.session.metrics;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real {@link SecureRandom} that also remembers every session ID it produced (SessionId draws
 * exactly 32 bytes per ID), so the suite can search logs and meters for every raw ID the manager
 * ever generated, including IDs that tests never see.
 */
final class RecordingRandom extends SecureRandom {

    private static final long serialVersionUID = 1L;
    private static final int SESSION_ID_BYTES = 32;

    private final transient Set<String> secrets = ConcurrentHashMap.newKeySet();
    private final transient Set<String> handles = ConcurrentHashMap.newKeySet();

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        super.nextBytes(bytes);
        if (bytes.length == SESSION_ID_BYTES) {
            String raw = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            SessionHandle handle = SessionId.parse(raw).orElseThrow().handle();
            secrets.add(raw);
            handles.add(handle.value());
        }
    }

    /** @return every raw session ID generated so far */
    Set<String> secrets() {
        return secrets;
    }

    /** @return the handles of those IDs */
    Set<String> handles() {
        return handles;
    }
}
