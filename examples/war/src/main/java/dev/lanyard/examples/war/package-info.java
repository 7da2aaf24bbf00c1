/**
 * The plain web.xml example: a servlet that uses {@code HttpSession} and two ordinary session
 * listeners (one in web.xml, one annotated), with no Lanyard import.
 */
package dev.lanyard.examples.war;
