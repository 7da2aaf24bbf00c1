/**
 * Attribute codecs: how attribute values become bytes in the store and come back safely.
 * {@link dev.lanyard.session.codec.DefaultAttributeCodec} is the default.
 */
package dev.lanyard.session.codec;
