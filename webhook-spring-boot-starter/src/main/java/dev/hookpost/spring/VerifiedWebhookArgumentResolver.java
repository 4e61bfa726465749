package dev.hookpost.spring;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import jakarta.servlet.ServletRequest;

/**
 * Lets a Spring MVC controller method take a {@link VerifiedWebhook} parameter, the one
 * {@link WebhookVerificationFilter} attached to the request. Registered by the starter when
 * {@code hookpost.receiver.secrets} is set. Thread-safe.
 */
public final class VerifiedWebhookArgumentResolver implements HandlerMethodArgumentResolver {

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == VerifiedWebhook.class;
  }

  /**
   * @throws IllegalStateException if the filter did not verify this request: its path is not in
   *     {@code hookpost.receiver.paths}
   */
  @Override
  public VerifiedWebhook resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
    ServletRequest request = webRequest.getNativeRequest(ServletRequest.class);
    return (request == null ? java.util.Optional.<VerifiedWebhook>empty() : WebhookVerificationFilter.verified(request))
        .orElseThrow(() -> new IllegalStateException(parameter.getExecutable().getName() + " takes a VerifiedWebhook,"
            + " but no WebhookVerificationFilter verified this request: add its path to hookpost.receiver.paths"));
  }
}
