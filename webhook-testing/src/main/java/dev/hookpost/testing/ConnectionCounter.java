package dev.hookpost.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ServerSocketFactory;

/**
 * The receiver's server sockets, counting the connections they accept, so a failed wait can say
 * whether anything reached the receiver at all. Thread-safe.
 */
final class ConnectionCounter extends ServerSocketFactory {
  private final AtomicInteger accepted = new AtomicInteger();

  /** Connections accepted since the last {@link #clear()}. */
  int accepted() {
    return accepted.get();
  }

  void clear() {
    accepted.set(0);
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new Counting();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return bound(port, 50, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return bound(port, backlog, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
    return bound(port, backlog, address);
  }

  private ServerSocket bound(int port, int backlog, InetAddress address) throws IOException {
    Counting s = new Counting();
    s.bind(new java.net.InetSocketAddress(address, port), backlog);
    return s;
  }

  private final class Counting extends ServerSocket {
    Counting() throws IOException {}

    @Override
    public Socket accept() throws IOException {
      Socket s = super.accept();
      accepted.incrementAndGet();
      return s;
    }
  }
}
