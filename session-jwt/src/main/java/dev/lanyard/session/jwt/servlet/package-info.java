/**
 * Optional Jakarta Servlet helpers for tokens: {@link dev.lanyard.session.jwt.servlet.BearerAuthenticator}
 * verifies an {@code Authorization: Bearer} header (RFC 6750) and answers 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} when it is malformed or rejected, never
 * 500; {@link dev.lanyard.session.jwt.servlet.TokenEndpoints} provides servlets an application
 * mounts for token issue, refresh (RFC 6749 {@code refresh_token} grant) and revocation
 * (RFC 7009); {@link dev.lanyard.session.jwt.servlet.JwksServlet} publishes the public JWK Set.
 * Needs {@code jakarta.servlet-api} 6 at run time (provided by the container); the
 * rest of {@code session-jwt} does not.
 */
package dev.lanyard.session.jwt.servlet;
