/**
 * The Lanyard demo shop: a small web application on embedded Jetty 12 that uses Lanyard only
 * through the servlet filter, {@code HttpSession} and {@link dev.lanyard.session.servlet.LanyardSessions}.
 *
 * <p>Start with {@link dev.lanyard.examples.demo.DemoMain}; {@link dev.lanyard.examples.demo.DemoServer}
 * wires everything (store, manager, filter, tokens, metrics) in one place. Sample code: read it,
 * copy it.
 */
package dev.lanyard.examples.demo;
