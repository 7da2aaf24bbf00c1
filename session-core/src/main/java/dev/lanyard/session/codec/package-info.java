/**
 * Attribute codecs: how attribute values become bytes in the store and come back safely.
 * {@link dev.lanyard.session.codec.DefaultAttributeCodec} is the default;
 * {@link dev.lanyard.session.codec.AllowedClasses} is the one rule every codec uses to decide which
 * classes may be read back (JDK value types, {@code allowedPackages}, the web application's
 * {@code WEB-INF/classes}, never a class on the gadget deny-list).
 */
package dev.lanyard.session.codec;
