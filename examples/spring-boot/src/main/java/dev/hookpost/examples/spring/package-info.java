/** The shop-to-shipping example on Spring Boot: {@link dev.hookpost.examples.spring.ShopToShippingSpringBoot}. */
package dev.hookpost.examples.spring;
