package dev.lanyard.session.metrics;

import static dev.lanyard.session.metrics.SessionMeters.OTHER;
import static dev.lanyard.session.metrics.SessionMeters.TAG_AUTHENTICATED;
import static dev.lanyard.session.metrics.SessionMeters.TAG_CAUSE;
import static dev.lanyard.session.metrics.SessionMeters.TAG_KIND;
import static dev.lanyard.session.metrics.SessionMeters.TAG_OPERATION;
import static dev.lanyard.session.metrics.SessionMeters.TAG_OUTCOME;
import static dev.lanyard.session.metrics.SessionMeters.TAG_REASON;
import static dev.lanyard.session.metrics.SessionMeters.TAG_ROUTE;
import static dev.lanyard.session.metrics.SessionMeters.TAG_RULE;
import static dev.lanyard.session.metrics.SessionMeters.TAG_SOURCE;
import static dev.lanyard.session.metrics.SessionMeters.TAG_STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionLimitExceededException;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import dev.lanyard.session.spi.SessionDelta;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each meter moves when the real manager does what the meter counts. */
class SessionMetricsTest {

    @RegisterExtension
    final Harness h = Harness.create().metricsOptions(b -> b.routes(List.of("/admin/*", "/checkout")));

    private SessionManager manager() {
        return h.manager();
    }

    private Instant now() {
        return h.clock().instant();
    }

    @Test
    void createdCountsAnonymousAndLoginCreatedSessionsApart() {
        h.newSession();
        h.newSession();
        h.login("alice");

        assertThat(h.count(SessionMeters.CREATED, TAG_AUTHENTICATED, "false")).isEqualTo(2);
        assertThat(h.count(SessionMeters.CREATED, TAG_AUTHENTICATED, "true")).isEqualTo(1);
    }

    @Test
    void resolvingFromTheStoreCountsTheStoreSource() {
        NewSession session = h.newSession();

        h.resolve(session);
        h.resolve(session);

        assertThat(h.count(SessionMeters.RESOLVED, TAG_SOURCE, "store")).isEqualTo(2);
        assertThat(h.count(SessionMeters.RESOLVED, TAG_SOURCE, "near_cache")).isZero();
    }

    @Test
    void nearCacheResolutionsCountTheirSourceAndDriveTheHitRatio() {
        NewSession session = h.newSession();
        h.resolve(session);
        for (int i = 0; i < 3; i++) {
            ModuleEvents.publish(
                    manager(),
                    new SessionEvent.Resolved(now(), session.session().handle(), SessionEvent.Source.NEAR_CACHE));
        }

        assertThat(h.count(SessionMeters.RESOLVED, TAG_SOURCE, "near_cache")).isEqualTo(3);
        assertThat(h.registry().get(SessionMeters.NEAR_CACHE_HIT_RATIO).gauge().value())
                .isEqualTo(0.75);
    }

    @Test
    void hitRatioForgetsResolutionsOlderThanItsWindow() {
        NewSession session = h.newSession();
        h.resolve(session);
        assertThat(h.registry().get(SessionMeters.NEAR_CACHE_HIT_RATIO).gauge().value())
                .isZero();

        h.clock().advance(SessionMetrics.DEFAULT_NEAR_CACHE_WINDOW.plusSeconds(1));

        assertThat(h.registry().get(SessionMeters.NEAR_CACHE_HIT_RATIO).gauge().value())
                .isNaN();
    }

    @Test
    void malformedAndUnknownIdsCountAsNotResolvedByStatus() {
        manager().resolve("not-a-session-id");
        manager().resolve(SessionId.generate(h.random()));

        assertThat(h.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "malformed")).isEqualTo(1);
        assertThat(h.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "unknown")).isEqualTo(1);
    }

    @Test
    void notResolvedHasNoSeriesForFound() {
        assertThat(h.registry()
                        .find(SessionMeters.NOT_RESOLVED)
                        .tag(TAG_STATUS, "found")
                        .counters())
                .isEmpty();
        assertThat(h.registry().find(SessionMeters.NOT_RESOLVED).counters())
                .hasSize(ResolutionStatus.values().length - 1);
    }

    @Test
    void aStaleVersionCountsAsVersionExpiry() {
        NewSession session = h.login("alice");
        Session s = session.session();

        manager().lookup(s.handle(), s.version() + 1);

        assertThat(h.count(SessionMeters.EXPIRED, TAG_REASON, "version")).isEqualTo(1);
        assertThat(h.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "stale_version"))
                .isEqualTo(1);
    }

    @Test
    void anUnreadableAttributeIsCountedWhenDroppedAndTheSessionIsKept() {
        NewSession session = h.newSession();
        h.memoryStore()
                .update(
                        session.session().handle(),
                        new SessionDelta(
                                Map.of("cart", new byte[] {99}),
                                Set.of(),
                                now(),
                                null,
                                null,
                                Duration.ofMinutes(5),
                                SessionPolicy.DEFAULT_PAYLOAD_HARD_LIMIT));

        Session resolved = manager().resolve(session.id()).session().orElseThrow();
        assertThat(h.count(SessionMeters.ATTRIBUTES_UNREADABLE))
                .as("nothing decoded yet")
                .isZero();
        assertThat(resolved.attribute("cart")).isEmpty();

        assertThat(h.count(SessionMeters.ATTRIBUTES_UNREADABLE)).isEqualTo(1);
        assertThat(h.count(SessionMeters.UNREADABLE)).isZero();
        assertThat(h.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "unreadable"))
                .isZero();
    }

    @Test
    void everyRotationCauseIsCounted() {
        NewSession anonymous = h.newSession();
        NewSession loggedIn = manager().login(anonymous.session(), "alice", Harness.CLIENT);
        NewSession changed = manager().changeId(loggedIn.session()).orElseThrow();
        NewSession promoted = manager().privilegeChanged(changed.session()).orElseThrow();
        manager().reauthenticated(promoted.session()).orElseThrow();

        assertThat(h.count(SessionMeters.ROTATED, TAG_CAUSE, "login")).isEqualTo(1);
        assertThat(h.count(SessionMeters.ROTATED, TAG_CAUSE, "requested")).isEqualTo(1);
        assertThat(h.count(SessionMeters.ROTATED, TAG_CAUSE, "privilege_change"))
                .isEqualTo(1);
        assertThat(h.count(SessionMeters.ROTATED, TAG_CAUSE, "reauthentication"))
                .isEqualTo(1);
    }

    @Test
    void attributeWritesAndTouchesAreCountedApartAndSizesRecorded() {
        NewSession session = h.newSession();
        manager()
                .save(
                        h.resolve(session),
                        SessionUpdate.builder().put("cart", "three apples").build());
        h.clock().advance(SessionPolicy.DEFAULT_TOUCH_INTERVAL);
        manager().save(h.resolve(session), SessionUpdate.none());

        assertThat(h.count(SessionMeters.SAVES, TAG_KIND, "attributes")).isEqualTo(1);
        assertThat(h.count(SessionMeters.SAVES, TAG_KIND, "touch")).isEqualTo(1);
        DistributionSummary size = h.registry().get(SessionMeters.PAYLOAD_SIZE).summary();
        assertThat(size.count()).isEqualTo(2);
        assertThat(size.max()).isGreaterThan("three apples".length());
        assertThat(size.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void aSaveThatIsNotDueWritesNothingAndCountsNothing() {
        NewSession session = h.newSession();

        manager().save(h.resolve(session), SessionUpdate.none());

        assertThat(h.registry().find(SessionMeters.SAVES).counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void logoutCountsALogoutAndARevocation() {
        NewSession session = h.login("alice");

        manager().logout(h.resolve(session));

        assertThat(h.count(SessionMeters.LOGOUTS)).isEqualTo(1);
        assertThat(h.count(SessionMeters.REVOKED, TAG_REASON, "logout")).isEqualTo(1);
    }

    @Test
    void adminAndUserWideRevocationsAreCountedByReason() {
        NewSession one = h.login("alice");
        h.login("bob");
        h.login("bob");

        manager().revoke(one.session().handle(), RevocationReason.ADMIN);
        manager().revokeAll("bob");

        assertThat(h.count(SessionMeters.REVOKED, TAG_REASON, "admin")).isEqualTo(1);
        assertThat(h.count(SessionMeters.REVOKED, TAG_REASON, "user_wide")).isEqualTo(2);
    }

    @Test
    void loginsAreCountedAndTheUsersSessionCountIsRecorded() {
        h.login("alice");
        h.login("alice");
        h.login("alice");

        assertThat(h.count(SessionMeters.LOGINS)).isEqualTo(3);
        DistributionSummary perUser =
                h.registry().get(SessionMeters.SESSIONS_PER_USER).summary();
        assertThat(perUser.count()).isEqualTo(3);
        assertThat(perUser.totalAmount()).isEqualTo(1 + 2 + 3);
        assertThat(perUser.max()).isEqualTo(3);
    }

    @Test
    void aConfiguredRouteNamesItsStepUpAndAnyOtherRouteCountsAsOther() {
        NewSession session = h.login("alice");

        ModuleEvents.publish(
                manager(),
                new SessionEvent.StepUpRequired(now(), session.session().handle(), "/admin/*"));
        ModuleEvents.publish(
                manager(),
                new SessionEvent.StepUpRequired(now(), session.session().handle(), "/account/1234/delete"));
        ModuleEvents.publish(
                manager(),
                new SessionEvent.StepUpRequired(now(), session.session().handle(), "/x\n/../"));

        assertThat(h.count(SessionMeters.STEP_UP_REQUIRED, TAG_ROUTE, "/admin/*"))
                .isEqualTo(1);
        assertThat(h.count(SessionMeters.STEP_UP_REQUIRED, TAG_ROUTE, OTHER)).isEqualTo(2);
        assertThat(h.registry().find(SessionMeters.STEP_UP_REQUIRED).counters()).hasSize(3);
    }

    @Test
    void failOpenIsCountedByConfiguredRoute() {
        ModuleEvents.publish(manager(), new SessionEvent.FailOpen(now(), "/checkout"));
        ModuleEvents.publish(manager(), new SessionEvent.FailOpen(now(), "/checkout"));
        ModuleEvents.publish(manager(), new SessionEvent.FailOpen(now(), "/static/app.js"));

        assertThat(h.count(SessionMeters.FAIL_OPEN, TAG_ROUTE, "/checkout")).isEqualTo(2);
        assertThat(h.count(SessionMeters.FAIL_OPEN, TAG_ROUTE, OTHER)).isEqualTo(1);
    }

    @Test
    void refreshTokenReuseIsCounted() {
        NewSession session = h.login("alice");

        ModuleEvents.publish(
                manager(),
                new SessionEvent.TokenReuseDetected(now(), session.session().handle()));
        manager().revoke(session.session().handle(), RevocationReason.REUSE_DETECTED);

        assertThat(h.count(SessionMeters.TOKEN_REUSE_DETECTED)).isEqualTo(1);
        assertThat(h.count(SessionMeters.REVOKED, TAG_REASON, "reuse_detected")).isEqualTo(1);
    }

    @Test
    void refreshGraceUsesAreCounted() {
        NewSession session = h.login("alice");

        ModuleEvents.publish(
                manager(),
                new SessionEvent.RefreshGraceUsed(now(), session.session().handle()));
        ModuleEvents.publish(
                manager(),
                new SessionEvent.RefreshGraceUsed(now(), session.session().handle()));

        assertThat(h.count(SessionMeters.REFRESH_GRACE_USED)).isEqualTo(2);
    }

    @Test
    void tokenRejectionsAreCountedByLowerCaseReason() {
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), "EXPIRED"));
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), "EXPIRED"));
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), "BAD_SIGNATURE"));

        assertThat(h.count(SessionMeters.TOKEN_REJECTED, TAG_REASON, "expired")).isEqualTo(2);
        assertThat(h.count(SessionMeters.TOKEN_REJECTED, TAG_REASON, "bad_signature"))
                .isEqualTo(1);
    }

    @Test
    void tokenRejectionReasonsThatAreNotEnumNamesCountAsOther() {
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), "kid=attacker\" admin=\"true\nFORGED"));
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), "x".repeat(65)));
        ModuleEvents.publish(manager(), new SessionEvent.TokenRejected(now(), ""));

        assertThat(h.count(SessionMeters.TOKEN_REJECTED, TAG_REASON, OTHER)).isEqualTo(3);
        assertThat(h.registry().find(SessionMeters.TOKEN_REJECTED).counters()).hasSize(1);
    }

    @Test
    void sessionsServedByAnotherNodeCountAsAffinityRebinds() {
        NewSession session = h.newSession();
        SessionManager nodeB = h.managerOnNode("node-b");

        Session onB = nodeB.resolve(session.id()).session().orElseThrow();
        nodeB.save(onB, SessionUpdate.builder().put("step", 2).build());

        assertThat(h.count(SessionMeters.AFFINITY_REBINDS)).isEqualTo(1);
    }

    @Test
    void guessingSuspicionsAreCountedWithoutTheClient() {
        ModuleEvents.publish(manager(), new SessionEvent.GuessingSuspected(now(), "198.51.100.0/24", 50));

        assertThat(h.count(SessionMeters.GUESSING_SUSPECTED)).isEqualTo(1);
        assertThat(h.registry()
                        .find(SessionMeters.GUESSING_SUSPECTED)
                        .counter()
                        .getId()
                        .getTags())
                .isEmpty();
    }

    @Test
    void storeOperationsAreTimedByOperationAndOutcome() {
        NewSession session = h.newSession();
        h.resolve(session);
        manager().logout(h.resolve(session));

        assertThat(h.timerCount(SessionMeters.STORE_OPERATIONS, TAG_OPERATION, "create", TAG_OUTCOME, "success"))
                .isEqualTo(1);
        assertThat(h.timerCount(SessionMeters.STORE_OPERATIONS, TAG_OPERATION, "load", TAG_OUTCOME, "success"))
                .isEqualTo(2);
        assertThat(h.timerCount(SessionMeters.STORE_OPERATIONS, TAG_OPERATION, "delete", TAG_OUTCOME, "success"))
                .isEqualTo(1);
        Timer load = h.registry()
                .get(SessionMeters.STORE_OPERATIONS)
                .tags(TAG_OPERATION, "load", TAG_OUTCOME, "success")
                .timer();
        assertThat(load.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void timerPublishesTheDefaultPercentiles() {
        h.newSession();

        Timer create = h.registry()
                .get(SessionMeters.STORE_OPERATIONS)
                .tags(TAG_OPERATION, "create", TAG_OUTCOME, "success")
                .timer();

        assertThat(create.takeSnapshot().percentileValues())
                .extracting(v -> v.percentile())
                .containsExactly(0.5, 0.95, 0.99);
    }

    /**
     * The store's own clock stands still, so it still holds sessions that the manager finds
     * expired (as a store whose time to live lags the policy would): the manager's checks decide.
     */
    @Nested
    class WhenTheStoreKeepsExpiredRecords {

        @RegisterExtension
        final Harness lagging = Harness.create().storeClock(c -> Clock.fixed(c.instant(), ZoneOffset.UTC));

        @Test
        void idleExpiryCountsExpiredAndNotResolved() {
            NewSession session = lagging.newSession();
            lagging.clock().advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT);

            lagging.manager().resolve(session.id());

            assertThat(lagging.count(SessionMeters.EXPIRED, TAG_REASON, "idle")).isEqualTo(1);
            assertThat(lagging.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "expired_idle"))
                    .isEqualTo(1);
        }

        @Test
        void absoluteExpiryCountsExpiredAndNotResolved() {
            NewSession session = lagging.login("alice");
            Session s = session.session();
            lagging.clock().advance(Duration.between(lagging.clock().instant(), s.absoluteExpiry()));

            lagging.manager().resolve(session.id());

            assertThat(lagging.count(SessionMeters.EXPIRED, TAG_REASON, "absolute"))
                    .isEqualTo(1);
            assertThat(lagging.count(SessionMeters.NOT_RESOLVED, TAG_STATUS, "expired_absolute"))
                    .isEqualTo(1);
        }
    }

    /** The manager over a store that can be switched off. */
    @Nested
    class WhenTheStoreFails {

        @RegisterExtension
        final Harness down = Harness.create().store(SwitchableStore::new);

        @Test
        void failedStoreOperationsAreTimedAsFailures() {
            NewSession session = down.newSession();
            ((SwitchableStore) down.store()).down();

            assertThatThrownBy(() -> down.manager().resolve(session.id()))
                    .isInstanceOf(StoreUnavailableException.class);

            assertThat(down.timerCount(SessionMeters.STORE_OPERATIONS, TAG_OPERATION, "load", TAG_OUTCOME, "failure"))
                    .isEqualTo(1);
            assertThat(down.timerCount(SessionMeters.STORE_OPERATIONS, TAG_OPERATION, "load", TAG_OUTCOME, "success"))
                    .isZero();
        }
    }

    /** The manager with a small soft payload limit. */
    @Nested
    class WithASmallSoftLimit {

        @RegisterExtension
        final Harness small = Harness.create()
                .policy(SessionPolicy.builder().payloadSoftLimit(100).build());

        @Test
        void aWritePastTheSoftLimitIsCounted() {
            NewSession session = small.newSession();

            small.manager()
                    .save(
                            small.resolve(session),
                            SessionUpdate.builder()
                                    .put("notes", "n".repeat(500))
                                    .build());

            assertThat(small.count(SessionMeters.PAYLOAD_OVER_SOFT_LIMIT)).isEqualTo(1);
            assertThat(small.registry()
                            .get(SessionMeters.PAYLOAD_SIZE)
                            .summary()
                            .max())
                    .isGreaterThan(500);
        }
    }

    /** The manager with a per-user limit that evicts. */
    @Nested
    class WithAnEvictingLimit {

        @RegisterExtension
        final Harness evicting = Harness.create()
                .policy(SessionPolicy.builder()
                        .sessionLimit(SessionLimit.evictBeyond(2))
                        .build());

        @Test
        void evictionCountsTheLimitRuleAndTheRevocation() {
            evicting.login("alice");
            evicting.login("alice");
            evicting.login("alice");

            assertThat(evicting.count(SessionMeters.LIMIT_REACHED, TAG_RULE, "evict_least_recently_used"))
                    .isEqualTo(1);
            assertThat(evicting.count(SessionMeters.REVOKED, TAG_REASON, "limit_overflow"))
                    .isEqualTo(1);
            assertThat(evicting.registry()
                            .get(SessionMeters.SESSIONS_PER_USER)
                            .summary()
                            .max())
                    .isEqualTo(2);
        }
    }

    /** The manager with a per-user limit that refuses. */
    @Nested
    class WithARefusingLimit {

        @RegisterExtension
        final Harness refusing = Harness.create()
                .policy(SessionPolicy.builder()
                        .sessionLimit(SessionLimit.refuseBeyond(1))
                        .build());

        @Test
        void aRefusedLoginCountsTheLimitRuleButNoLogin() {
            refusing.login("alice");

            assertThatThrownBy(() -> refusing.login("alice")).isInstanceOf(SessionLimitExceededException.class);

            assertThat(refusing.count(SessionMeters.LIMIT_REACHED, TAG_RULE, "refuse_new"))
                    .isEqualTo(1);
            assertThat(refusing.count(SessionMeters.LOGINS)).isEqualTo(1);
        }
    }

    @Test
    void theRecorderSeesEveryIdTheManagerHandsOut() {
        NewSession a = h.newSession();
        NewSession b = h.login("carol");

        assertThat(h.random().secrets()).contains(a.id().value(), b.id().value());
        assertThat(h.random().handles())
                .contains(a.session().handle().value(), b.session().handle().value());
        assertThat(h.count(SessionMeters.CREATED, TAG_AUTHENTICATED, "true")).isCloseTo(1, within(0.0));
    }
}
