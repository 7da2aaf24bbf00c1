/**
 * Contract tests for session stores. An adapter proves itself by extending
 * {@link dev.lanyard.session.tck.SessionStoreContract} (or
 * {@link dev.lanyard.session.tck.UserIndexedStoreContract} when it indexes users) in its own
 * test sources and implementing the few hooks that reach its backend directly. See
 * {@code docs/custom-store.md}.
 */
package dev.lanyard.session.tck;
