package dev.lanyard.session.servlet;

import java.util.Objects;

/**
 * How a route answers a request whose user has not authenticated recently enough: {@code 401}
 * (for APIs) or a redirect to a re-authentication page (for browsers). Immutable.
 *
 * @since 0.1.0
 */
public final class StepUpAnswer {

    private static final StepUpAnswer UNAUTHORIZED = new StepUpAnswer(null);

    private final String location;

    private StepUpAnswer(String location) {
        this.location = location;
    }

    /** @return an answer of {@code 401 Unauthorized} with {@code Cache-Control: no-store} */
    public static StepUpAnswer unauthorized() {
        return UNAUTHORIZED;
    }

    /**
     * Returns an answer that redirects ({@code 302}) to {@code location}.
     *
     * @param location the re-authentication page: an absolute URL, or a path; a path starting with
     *     {@code /} is taken within the application (the context path is prefixed)
     * @return the answer
     * @throws IllegalArgumentException if {@code location} is empty or holds a control character
     */
    public static StepUpAnswer redirectTo(String location) {
        Objects.requireNonNull(location, "location");
        if (location.isBlank()) {
            throw new IllegalArgumentException("the step-up redirect location must not be empty");
        }
        for (int i = 0; i < location.length(); i++) {
            if (location.charAt(i) < 0x20 || location.charAt(i) == 0x7f) {
                throw new IllegalArgumentException("the step-up redirect location must not hold control characters");
            }
        }
        return new StepUpAnswer(location);
    }

    /** @return whether this answer redirects */
    public boolean isRedirect() {
        return location != null;
    }

    /** @return the redirect location, or {@code null} for {@code 401} */
    public String location() {
        return location;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StepUpAnswer a && Objects.equals(a.location, location);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(location);
    }

    @Override
    public String toString() {
        return location == null ? "401" : "redirect:" + location;
    }
}
