/**
 * Crafted attribute records for attack tests: {@link dev.lanyard.session.tck.gadgets.GadgetRecords}
 * writes Java serialization streams (in the default codec's format) that name well-known gadget
 * classes, and {@link dev.lanyard.session.tck.gadgets.FlagGadget} is a stand-in whose
 * {@code readObject} flips {@link dev.lanyard.session.tck.gadgets.GadgetFlag}, so a test can
 * prove that a refused record ran no code. A store adapter's tests write these records straight
 * into their backend and assert that the attribute is dropped and the flag never flips.
 */
package dev.lanyard.session.tck.gadgets;
