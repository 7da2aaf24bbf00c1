/**
 * Spring Boot 3.5 adapters for the parts of Boot's API that moved in Boot 4: the store's health
 * indicator on {@code org.springframework.boot.actuate.health}. Inert on Boot 4, whose indicator
 * is in {@code dev.lanyard.session.spring.actuate}.
 */
package dev.lanyard.session.spring.boot3;
