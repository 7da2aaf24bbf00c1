package dev.lanyard.session.servlet;

/**
 * Which attributes a request writes back to the store. Changes are always collected per request
 * and written as one delta before the response commits.
 *
 * @since 0.1.0
 */
public enum AttributeSaveMode {
    /**
     * Only attributes passed to {@code setAttribute} or {@code removeAttribute}. The cheapest
     * mode; an application that changes a value in place (adds to a cart list) must call
     * {@code setAttribute} again.
     */
    ON_SET,
    /**
     * The default: also every attribute that was read with {@code getAttribute} in the request
     * and whose value may be mutable (anything but strings, boxed primitives, enums, {@code
     * BigInteger}/{@code BigDecimal}, {@code UUID} and the {@code java.time} value types). Code
     * written for a single-node container, which changes values in place, then keeps working;
     * the cost is a write on requests that read such a value.
     */
    ON_GET_MUTABLE
}
