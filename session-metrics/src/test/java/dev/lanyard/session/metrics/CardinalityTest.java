package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.RotationCause;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten thousand distinct sessions and users, and hostile values in every free-text event field,
 * leave the number of meters where it was: no tag grows with traffic.
 */
class CardinalityTest {

    private static final int SESSIONS = 10_000;
    private static final int WARM_UP = 100;

    @RegisterExtension
    final Harness h = Harness.create()
            .policy(SessionPolicy.builder()
                    .sessionLimit(SessionLimit.evictBeyond(1))
                    .payloadSoftLimit(64)
                    .build());

    /** Meters registered at bind time with the defaults and no route names. */
    static int fixedMeters() {
        return 2 // created{authenticated}
                + SessionEvent.Source.values().length // resolved{source}
                + ResolutionStatus.values().length
                - 1 // not.resolved{status}, no "found"
                + RotationCause.values().length // rotated{cause}
                + SessionEvent.SaveKind.values().length // saves{kind}
                + RevocationReason.values().length // revoked{reason}
                + ExpiryReason.values().length // expired{reason}
                + 1
                + 1 // logins, logouts
                + OverflowRule.values().length // limit.reached{rule}
                + 1 // step.up.required{route=other}
                + 1 // tokens.reuse.detected
                + 1 // tokens.refresh.grace.used
                + 1 // tokens.rejected{reason=other}
                + 1 // affinity.rebinds
                + 1 // fail.open{route=other}
                + 1 // guessing.suspected
                + SessionEvent.StoreOperation.values().length * SessionEvent.Outcome.values().length // store timer
                + 2 // payload.size, per.user
                + 1
                + 1
                + 1 // unreadable, attributes.unreadable, payload.over.soft.limit
                + 1 // near.cache.hit.ratio
                + dev.lanyard.session.StoreState.values().length; // store.state{state}
    }

    @Test
    void tenThousandSessionsThroughTheWholeLifecycleAddNoMeters() {
        int atBind = realMeters().size();
        assertThat(atBind).isEqualTo(fixedMeters());

        for (int i = 0; i < WARM_UP; i++) {
            lifecycle(i);
        }
        Set<Meter.Id> afterWarmUp = realMeters();
        for (int i = WARM_UP; i < SESSIONS; i++) {
            lifecycle(i);
        }
        Set<Meter.Id> afterAll = realMeters();

        assertThat(afterAll).isEqualTo(afterWarmUp);
        assertThat(afterAll).hasSize(fixedMeters() + SessionMetrics.DEFAULT_MAX_TOKEN_REASONS);
        assertThat(afterAll.size()).isLessThan(120);
        // With Micrometer's client-side percentile gauges (3 per timer and summary) included.
        int distributions = SessionEvent.StoreOperation.values().length * SessionEvent.Outcome.values().length + 2;
        assertThat(h.registry().getMeters()).hasSize(afterAll.size() + 3 * distributions);
        long secondLogins = (SESSIONS + 1) / 3; // i % 3 == 2 logs in again
        assertThat(h.count(SessionMeters.LOGINS)).isEqualTo(SESSIONS + secondLogins);
        assertThat(h.count(SessionMeters.REVOKED, SessionMeters.TAG_REASON, "limit_overflow"))
                .isEqualTo(secondLogins);
        assertThat(h.logs().seen()).as("log events scanned for secrets").isGreaterThan(10L * SESSIONS);
        assertThat(h.count(SessionMeters.CREATED, SessionMeters.TAG_AUTHENTICATED, "false"))
                .isEqualTo(SESSIONS);
    }

    @Test
    void everyTagValueComesFromABoundedVocabulary() {
        for (int i = 0; i < 500; i++) {
            lifecycle(i);
        }

        Set<String> vocabulary = new HashSet<>(List.of("true", "false", SessionMeters.OTHER));
        Stream.of(
                        SessionEvent.Source.values(),
                        ResolutionStatus.values(),
                        RotationCause.values(),
                        SessionEvent.SaveKind.values(),
                        RevocationReason.values(),
                        ExpiryReason.values(),
                        OverflowRule.values(),
                        SessionEvent.StoreOperation.values(),
                        SessionEvent.Outcome.values(),
                        dev.lanyard.session.StoreState.values())
                .flatMap(Arrays::stream)
                .map(SessionMeters::tagValue)
                .forEach(vocabulary::add);
        for (int r = 0; r < SessionMetrics.DEFAULT_MAX_TOKEN_REASONS; r++) {
            vocabulary.add("reason_" + r);
        }
        Set<String> used = realMeters().stream()
                .flatMap(id -> id.getTags().stream())
                .map(Tag::getValue)
                .collect(Collectors.toSet());

        assertThat(vocabulary).containsAll(used);
    }

    /** One session's life, plus events other modules would publish, with hostile free text. */
    private void lifecycle(int i) {
        SessionManager manager = h.manager();
        Instant now = h.clock().instant();
        String user = "user-" + i + "@example.org";

        NewSession anonymous = h.newSession();
        Session resolved = manager.resolve(anonymous.id().value()).session().orElseThrow();
        Session saved = manager.save(
                        resolved,
                        SessionUpdate.builder()
                                .put("cart", "item-" + i + "-".repeat(i % 80))
                                .build())
                .orElseThrow();
        NewSession loggedIn = manager.login(saved, user, Harness.CLIENT);
        NewSession rotated = manager.changeId(loggedIn.session()).orElseThrow();
        manager.lookup(rotated.session().handle(), rotated.session().version() + 1); // expired{version}
        ModuleEvents.publish(
                manager, new SessionEvent.Resolved(now, rotated.session().handle(), SessionEvent.Source.NEAR_CACHE));
        manager.resolve("garbage-" + i); // not.resolved{malformed}
        switch (i % 3) {
            case 0 -> manager.logout(rotated.session());
            case 1 -> manager.revoke(rotated.session().handle(), RevocationReason.ADMIN);
            default -> manager.login(null, user, Harness.CLIENT); // evicts: limit 1
        }
        ModuleEvents.publish(manager, new SessionEvent.TokenRejected(now, "REASON_" + (i % 50)));
        ModuleEvents.publish(manager, new SessionEvent.TokenRejected(now, "sub=" + user + "\n"));
        ModuleEvents.publish(
                manager, new SessionEvent.StepUpRequired(now, rotated.session().handle(), "/users/" + i + "/email"));
        ModuleEvents.publish(manager, new SessionEvent.FailOpen(now, "/orders/" + i));
        ModuleEvents.publish(
                manager, new SessionEvent.AffinityRebind(now, rotated.session().handle(), "node-" + i, "node-a"));
        ModuleEvents.publish(manager, new SessionEvent.GuessingSuspected(now, "10." + (i % 250) + ".0.0/24", i));
        ModuleEvents.publish(
                manager,
                new SessionEvent.TokenReuseDetected(now, rotated.session().handle()));
        ModuleEvents.publish(
                manager, new SessionEvent.Unreadable(now, rotated.session().handle(), "Cause" + i));
        if (i % 100 == 0) {
            h.clock().advance(Duration.ofSeconds(1));
        }
    }

    /** The registry's meter IDs without the synthetic percentile gauges a SimpleMeterRegistry adds. */
    private Set<Meter.Id> realMeters() {
        return h.registry().getMeters().stream()
                .map(Meter::getId)
                .filter(id ->
                        !id.getName().endsWith(".percentile") && !id.getName().endsWith(".histogram"))
                .collect(Collectors.toSet());
    }
}
