/** Hookpost's production transport: {@code dev.hookpost.okhttp.OkHttpTransport}, on OkHttp 5. */
module dev.hookpost.okhttp {
  requires transitive dev.hookpost.core;
  requires transitive okhttp3;
  requires okio;

  exports dev.hookpost.okhttp;
}
