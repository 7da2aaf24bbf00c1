/**
 * Network faults for store tests: {@link dev.lanyard.session.tck.net.FaultProxy}, a TCP proxy on
 * 127.0.0.1 that adds latency to replies, stalls them, silences one connection or blackholes all of
 * them (nothing answered, nothing closed), so that an adapter's tests can show that its store fails
 * typed within its timeouts and recovers.
 */
package dev.lanyard.session.tck.net;
