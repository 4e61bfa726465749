package dev.hookpost.internal.engine;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Open or closed, and the lock that makes the change clean: sends and claims run inside
 * {@link #enter()}/{@link #exit()} (the read lock), {@link #close()} takes the write lock, so
 * once it returns nothing is half-way into the store or half-way claimed. Thread-safe.
 */
final class Lifecycle {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;

  /** Enters if open (then the caller must {@link #exit()}); false, holding nothing, if closed. */
  boolean enter() {
    lock.readLock().lock();
    if (closed) {
      lock.readLock().unlock();
      return false;
    }
    return true;
  }

  void exit() {
    lock.readLock().unlock();
  }

  boolean closed() {
    return closed;
  }

  /** Closes, waiting for those inside to leave; false if it was closed already. */
  boolean close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }
}
