package dev.lanyard.session.jwt;

/**
 * What one verification step decided: the verified token, or the reason for rejection (exactly
 * one is set).
 */
record TokenOutcome(VerifiedToken token, RejectionReason reason) {

    static TokenOutcome reject(RejectionReason reason) {
        return new TokenOutcome(null, reason);
    }

    static TokenOutcome accept(VerifiedToken token) {
        return new TokenOutcome(token, null);
    }
}
