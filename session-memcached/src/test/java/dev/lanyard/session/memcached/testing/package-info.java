/**
 * Test support shared by every module whose tests need Memcached: {@link
 * dev.lanyard.session.memcached.testing.MemcachedProcess}, a private memcached on a free port. Published
 * as this module's test-jar; JDK-only code.
 */
package dev.lanyard.session.memcached.testing;
