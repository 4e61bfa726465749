/**
 * Hookpost's core: the API applications call ({@code dev.hookpost}) and the SPI integrators
 * implement ({@code dev.hookpost.spi}: {@code Transport}, {@code DeliveryStore}). The engine and
 * the in-memory store live in {@code dev.hookpost.internal.*}, which this module does not export.
 */
module dev.hookpost.core {
  requires transitive java.sql;
  requires transitive com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.hookpost;
  exports dev.hookpost.spi;
}
