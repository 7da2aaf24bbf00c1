/**
 * The Memcached session store: {@link dev.lanyard.session.memcached.MemcachedSessionStore}, its
 * options ({@link dev.lanyard.session.memcached.MemcachedOptions}) and its counters. Opened by
 * {@code SessionStores.open("memcached://host1:11211,host2:11211")} or directly. Everything else
 * in this package is internal.
 */
package dev.lanyard.session.memcached;
