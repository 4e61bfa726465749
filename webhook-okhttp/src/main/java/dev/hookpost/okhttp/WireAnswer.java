package dev.hookpost.okhttp;

import java.io.IOException;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The status and headers of the one answer that came over the wire for a call, kept where OkHttp
 * cannot act on them. OkHttp's {@code RetryAndFollowUpInterceptor} may send a request again after
 * some answers; with the client settings the transport applies and a {@link #oneShot one-shot}
 * body, only two remain that it acts on whatever the settings:
 * <ul>
 *   <li>503 with {@code Retry-After}: it parses the header as an {@code int}, throwing
 *       {@code NumberFormatException} for a value past {@code Integer.MAX_VALUE};
 *   <li>407 on a connection without an HTTP proxy: it throws a {@code ProtocolException}.
 * </ul>
 * The {@link #INTERCEPTOR network interceptor}, the one nearest the wire, records every answer in
 * the call's {@code WireAnswer} tag and hands those two to OkHttp as a plain 500, which it never
 * follows up; the transport reports the recorded status and headers. An application interceptor
 * of a client handed in sees such an answer as that 500. Not thread-safe: one call writes it,
 * then the thread that ran the call reads it.
 */
final class WireAnswer {
  /** Records the answer in the call's tag; hides the two answers OkHttp would act on. */
  static final Interceptor INTERCEPTOR = chain -> {
    Response response = chain.proceed(chain.request());
    WireAnswer answer = chain.request().tag(WireAnswer.class);
    if (answer == null) {
      return response; // not a transport's call
    }
    answer.status = response.code();
    answer.headers = response.headers();
    if (answer.status == 503 || answer.status == 407) {
      return response.newBuilder().code(500).message("Hidden from OkHttp's follow-ups").build();
    }
    return response;
  };

  int status;
  Headers headers;

  /**
   * {@code body} as a one-shot request body: OkHttp never sends a one-shot body twice, so
   * every follow-up that would resend it (a 503 with {@code Retry-After: 0}, a 421, an
   * authenticator's answer to a 401 or 407) returns the answer instead.
   */
  static RequestBody oneShot(byte[] body, MediaType type) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return type;
      }

      @Override
      public long contentLength() {
        return body.length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(body);
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };
  }

  /** A fresh record, carried by {@code request} as its tag. */
  static WireAnswer attachTo(Request.Builder request) {
    WireAnswer answer = new WireAnswer();
    request.tag(WireAnswer.class, answer);
    return answer;
  }
}
