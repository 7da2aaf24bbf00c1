/**
 * Implementation details shared between Lanyard's packages. Nothing here is API: it may change in
 * any release. Do not use it from applications or adapters.
 */
package dev.lanyard.session.internal;
