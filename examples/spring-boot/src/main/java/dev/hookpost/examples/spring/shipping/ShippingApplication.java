package dev.hookpost.examples.spring.shipping;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;

/** The shipping service: a Spring Boot web application; see shipping.properties. It has no database. */
@SpringBootApplication(exclude = DataSourceAutoConfiguration.class)
public class ShippingApplication {}
