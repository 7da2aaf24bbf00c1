package dev.lanyard.session.spring.security;

import dev.lanyard.session.SessionLimit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.web.authentication.session.ConcurrentSessionControlAuthenticationStrategy;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;

/**
 * Learns the limit of the strategy Spring Security builds for {@code maximumSessions(n)}, through
 * its public behaviour only: the strategy is shown a user who already holds {@link #CEILING}
 * sessions (the {@link Principal} that {@link LanyardSessionRegistry} answers for) and either
 * refuses the login, naming the limit in its message, or expires {@code CEILING - n + 1} of them.
 * Run once per security chain, at start-up; nothing reaches the store.
 */
final class LimitProbe {

    /** Limits at or above this are treated as no limit. */
    static final int CEILING = 10_000;

    private LimitProbe() {}

    /**
     * The probe's stand-in for a user, carrying the sessions the registry reports for it.
     *
     * @param sessions the user's pretended sessions
     */
    record Principal(List<SessionInformation> sessions) {

        @Override
        public String toString() {
            return "LimitProbe";
        }
    }

    /**
     * Asks the strategy for its limit. Replaces the strategy's message source, so call it only on a
     * strategy that is then discarded.
     *
     * @param strategy the strategy {@code maximumSessions(n)} built, over Lanyard's registry
     * @return the limit and its overflow rule, or empty when the strategy has no limit below
     *     {@link #CEILING} (or does not read Lanyard's registry)
     * @throws IllegalStateException if the strategy cannot be asked (a per-user limit function that
     *     fails on the probe, say)
     */
    static Optional<SessionLimit> limitOf(ConcurrentSessionControlAuthenticationStrategy strategy) {
        List<SessionInformation> sessions = new ArrayList<>(CEILING);
        for (int i = 0; i < CEILING; i++) {
            sessions.add(new SessionInformation("probe", "probe-" + i, new Date(i)));
        }
        Principal principal = new Principal(sessions);
        LimitMessages messages = new LimitMessages();
        strategy.setMessageSource(messages);
        try {
            strategy.onAuthentication(
                    UsernamePasswordAuthenticationToken.authenticated(principal, null, List.of()), null, null);
        } catch (SessionAuthenticationException refused) {
            if (messages.limit <= 0) {
                throw new IllegalStateException("could not read the limit of " + strategy);
            }
            return Optional.of(SessionLimit.refuseBeyond(messages.limit));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "could not read the limit of Spring Security's "
                            + "maximumSessions; a per-user SessionLimit is not supported with Lanyard, whose limit is "
                            + "one for all users (" + e.getClass().getName() + ")",
                    e);
        }
        long expired = sessions.stream().filter(SessionInformation::isExpired).count();
        if (expired == 0) {
            return Optional.empty();
        }
        return Optional.of(SessionLimit.evictBeyond((int) (CEILING - expired + 1)));
    }

    /** Records the limit the strategy names when it refuses. */
    private static final class LimitMessages implements MessageSource {

        int limit;

        @Override
        public String getMessage(String code, Object[] args, String defaultMessage, Locale locale) {
            record(args);
            return defaultMessage;
        }

        @Override
        public String getMessage(String code, Object[] args, Locale locale) {
            record(args);
            return code;
        }

        @Override
        public String getMessage(MessageSourceResolvable resolvable, Locale locale) {
            record(resolvable.getArguments());
            return resolvable.getDefaultMessage();
        }

        private void record(Object[] args) {
            if (args != null && args.length > 0 && args[0] instanceof Integer value) {
                limit = value;
            }
        }
    }
}
