/**
 * The service-provider interface for session stores and attribute codecs.
 *
 * <p>{@link dev.lanyard.session.spi.SessionStore} is what a custom backend implements: a few
 * atomic operations on records keyed by handle. Optional powers are separate interfaces
 * ({@link dev.lanyard.session.spi.UserIndexedStore},
 * {@link dev.lanyard.session.spi.AtomicValueStore}, {@link dev.lanyard.session.spi.NearCachingStore},
 * {@link dev.lanyard.session.spi.ExpiryNotifyingStore},
 * {@link dev.lanyard.session.spi.HealthReportingStore}). Prove an adapter with the contract tests
 * of {@code session-tck}.
 */
package dev.lanyard.session.spi;
