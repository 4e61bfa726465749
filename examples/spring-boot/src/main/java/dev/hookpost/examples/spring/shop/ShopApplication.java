package dev.hookpost.examples.spring.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The shop: a Spring Boot application whose only Hookpost code is {@link OrderService}; the rest is shop.properties. */
@SpringBootApplication
public class ShopApplication {}
