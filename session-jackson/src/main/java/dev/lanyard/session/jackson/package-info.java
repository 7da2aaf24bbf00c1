/**
 * A JSON attribute codec on Jackson 3: {@link dev.lanyard.session.jackson.JsonAttributeCodec}.
 * Select it with the servlet init-param {@code attributeCodec=json} or
 * {@code SessionManager.builder(store).attributeCodec(JsonAttributeCodec.builder()...build())}.
 */
package dev.lanyard.session.jackson;
