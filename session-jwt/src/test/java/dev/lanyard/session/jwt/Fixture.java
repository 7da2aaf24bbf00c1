package dev.lanyard.session.jwt;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A manager over an in-memory store, a mutable clock, keys and the events published. */
final class Fixture {

    static final String ISSUER = "https://auth.example.test";
    static final String AUDIENCE = "api";

    final MutableClock clock = MutableClock.startingNow();
    final InMemorySessionStore store = InMemorySessionStore.create(clock);
    final List<SessionEvent> events = new CopyOnWriteArrayList<>();
    final SessionManager manager;

    Fixture() {
        this(SessionPolicy.defaults());
    }

    Fixture(SessionPolicy policy) {
        manager = SessionManager.builder(store)
                .clock(clock)
                .policy(policy)
                .listener(events::add)
                .logEvents(false)
                .build();
    }

    Session login(String user) {
        return manager.login(null, user, ClientInfo.UNKNOWN).session();
    }

    AccessTokenIssuer.Builder issuer(KeyRing keys) {
        return AccessTokenIssuer.builder(keys).issuer(ISSUER).audience(AUDIENCE).clock(clock);
    }

    AccessTokenVerifier.Builder verifier(KeyRing keys) {
        return AccessTokenVerifier.builder(keys)
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .manager(manager);
    }

    List<String> rejectedReasons() {
        return events.stream()
                .filter(e -> e instanceof SessionEvent.TokenRejected)
                .map(e -> ((SessionEvent.TokenRejected) e).reason())
                .toList();
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    static KeyPair rsaPair(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ecPair(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
