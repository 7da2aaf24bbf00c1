/**
 * Code quoted by the guides in {@code docs/}: compiled and run with the demo's tests, so the
 * samples readers copy are known to work.
 */
package dev.lanyard.examples.docs;
