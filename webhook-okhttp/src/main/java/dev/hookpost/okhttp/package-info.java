/**
 * The production {@link dev.hookpost.spi.Transport} for Hookpost, over OkHttp 5:
 * {@link dev.hookpost.okhttp.OkHttpTransport}.
 */
package dev.hookpost.okhttp;
