/**
 * Access tokens ({@code session-jwt}) from {@code lanyard.tokens.*}: the key ring read from a JWK Set resource,
 * the issuer and the verifier.
 */
package dev.lanyard.session.spring.tokens;
