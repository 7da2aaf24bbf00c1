/** The plain web.xml example: one servlet that uses {@code HttpSession}, and nothing else. */
package dev.lanyard.examples.war;
