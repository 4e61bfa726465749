package dev.hookpost.okhttp;

import dev.hookpost.AddressGuard;
import dev.hookpost.spi.EndpointRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * Resolves a host once and hands OkHttp only addresses the guard checked, so OkHttp connects to
 * exactly what was checked. One refused address refuses the host: an attacker's DNS answer may
 * mix a public address with a private one for the fallback.
 */
final class GuardedDns implements Dns {
  private final Dns delegate;
  private final AddressGuard guard;

  GuardedDns(Dns delegate, AddressGuard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  @Override
  public List<InetAddress> lookup(String host) throws UnknownHostException {
    List<InetAddress> addresses = delegate.lookup(host);
    for (InetAddress address : addresses) {
      try {
        guard.check(host, address);
      } catch (EndpointRefusedException e) {
        throw new Refused(e);
      }
    }
    return addresses;
  }

  /** Carries a refusal through OkHttp, which only propagates I/O errors from a {@link Dns}. */
  static final class Refused extends UnknownHostException {
    private static final long serialVersionUID = 1L;
    final transient EndpointRefusedException refusal;

    Refused(EndpointRefusedException refusal) {
      super(refusal.getMessage());
      this.refusal = refusal;
    }
  }
}
