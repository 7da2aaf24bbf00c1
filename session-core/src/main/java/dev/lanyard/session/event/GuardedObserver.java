package dev.lanyard.session.event;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link SessionObserver} whose failures are logged and dropped; see {@link SessionObserver#guard}. */
final class GuardedObserver implements SessionObserver {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedObserver.class);

    private final SessionObserver delegate;
    private final AtomicBoolean warned = new AtomicBoolean();

    GuardedObserver(SessionObserver delegate) {
        this.delegate = Objects.requireNonNull(delegate, "observer");
    }

    @Override
    public void onStart(ObservedOperation operation) {
        try {
            delegate.onStart(operation);
        } catch (RuntimeException | LinkageError e) {
            failed("onStart", operation, e);
        }
    }

    @Override
    public void onStop(ObservedOperation operation) {
        try {
            delegate.onStop(operation);
        } catch (RuntimeException | LinkageError e) {
            failed("onStop", operation, e);
        }
    }

    private void failed(String method, ObservedOperation operation, Throwable e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "session observer {} failed in {} of {}; ignored (later failures log at DEBUG)",
                    delegate.getClass().getName(),
                    method,
                    operation.kind(),
                    e);
        } else {
            LOG.debug(
                    "session observer {} failed in {} of {}",
                    delegate.getClass().getName(),
                    method,
                    operation.kind(),
                    e);
        }
    }

    @Override
    public String toString() {
        return "Guarded[" + delegate + "]";
    }
}
