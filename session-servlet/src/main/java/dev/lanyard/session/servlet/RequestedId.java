package dev.lanyard.session.servlet;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.servlet.SessionIdTransport.PresentedId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The session ID a request presented, and what became of it: read through the request's {@link
 * SessionIdTransport}, resolved once, and counted for guessing detection when it was refused. It
 * answers {@code getRequestedSessionId()} (the handle, never the ID), {@code
 * isRequestedSessionIdValid()} and {@code isRequestedSessionIdFromCookie()}.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class RequestedId {

  private final SessionIdTransport transport;
  private String handle;
  private boolean valid;

  RequestedId(SessionIdTransport transport) {
    this.transport = transport;
  }

  /**
   * Reads what the request presented and resolves it: at most one store read, none for absent,
   * duplicated or malformed values. Duplicated, malformed, unknown and unreadable values count
   * against the client's network prefix ({@link GuessingDetector}).
   *
   * @param mode whether a near cache may answer (the route's choice)
   * @return the resolution, or empty when nothing was presented or the values were ambiguous
   * @throws dev.lanyard.session.StoreUnavailableException when the store cannot answer
   */
  Optional<Resolution> resolve(
      HttpServletRequest request,
      SessionManager manager,
      ReadMode mode,
      GuessingDetector guessing) {
    PresentedId presented = transport.read(request);
    if (presented.ambiguous()) {
      // Several different values (cookie tossing): trust none, ask the store nothing, and leave
      // the cookies alone (clearing could only remove ours).
      guessing.badId(ClientInfo.prefixOf(request.getRemoteAddr()));
      return Optional.empty();
    }
    if (presented.value() == null) {
      return Optional.empty();
    }
    handle = SessionId.parse(presented.value()).map(id -> id.handle().value()).orElse(null);
    // A malformed value is refused (and reported to listeners) without a store call.
    Resolution resolution = manager.resolve(presented.value(), mode);
    valid = resolution.isFound();
    ResolutionStatus status = resolution.status();
    if (status == ResolutionStatus.UNKNOWN
        || status == ResolutionStatus.UNREADABLE
        || status == ResolutionStatus.MALFORMED) {
      guessing.badId(ClientInfo.prefixOf(request.getRemoteAddr()));
    }
    return Optional.of(resolution);
  }

  /** The request no longer holds the session it presented (ended, or the store failed). */
  void invalidate() {
    valid = false;
  }

  /**
   * The handle of the presented ID, or {@code null} when none was presented or it was malformed.
   */
  String handle() {
    return handle;
  }

  /** Whether the presented ID named a live session that is still the request's {@code current}. */
  boolean isValidFor(Session current) {
    return valid && current != null && current.handle().value().equals(handle);
  }

  boolean fromCookie() {
    return handle != null && transport.isCookie();
  }
}
