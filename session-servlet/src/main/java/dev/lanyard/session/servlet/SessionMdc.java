package dev.lanyard.session.servlet;

import org.slf4j.MDC;

/**
 * The request's {@link LanyardSessionFilter#MDC_SESSION} entry: its session's ID as {@code
 * HttpSession.getId()} shows it (the handle, never the secret), absent while it has none. Set only
 * on the thread that runs the filter, whose MDC the request's log lines carry; other threads of an
 * async request keep their own. {@link RequestCycle} removes it when the request ends.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class SessionMdc {

    private final Thread filterThread = Thread.currentThread();

    /** Shows {@code id} in the filter thread's MDC, or removes the entry when it is {@code null}. */
    void show(String id) {
        if (Thread.currentThread() == filterThread) {
            if (id == null) {
                MDC.remove(LanyardSessionFilter.MDC_SESSION);
            } else {
                MDC.put(LanyardSessionFilter.MDC_SESSION, id);
            }
        }
    }
}
