/**
 * The in-memory session store: the embedded default for development, tests and single nodes.
 */
package dev.lanyard.session.memory;
