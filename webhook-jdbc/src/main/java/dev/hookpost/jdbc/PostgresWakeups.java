package dev.hookpost.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instant pickup on PostgreSQL: an enqueue {@link #announce announces} its deliveries once they
 * are committed ({@link PostgresAnnouncer} sends a {@code pg_notify}), and one listener thread per
 * store, holding one connection of the store's {@code DataSource} in {@code LISTEN}, wakes every
 * subscribed publisher when news arrives.
 *
 * <p>The channel is the deliveries table's name ({@code hookpost_deliveries} by default), so
 * stores with other table prefixes do not wake each other.
 *
 * <p>The listener starts with the first subscriber and stops (closing its connection) when the
 * last one leaves. When its connection fails it reconnects with a backoff from 100 ms to 5 s and
 * wakes every subscriber once connected again, since news may have been missed meanwhile; the
 * publisher's poll covers that gap too. The connection is tagged
 * {@code application_name = 'hookpost-listen'}.
 *
 * <p>Thread-safe; the subscriber set is copy-on-write, the listener field guarded by this.
 */
final class PostgresWakeups {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryStore.class);
  static final String APPLICATION_NAME = "hookpost-listen";
  /** How long one wait for notifications lasts: a stop is seen within it. */
  private static final int WAIT_MILLIS = 200;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final DataSource dataSource;
  private final String channel;
  private final Object store;
  private final PostgresAnnouncer announcer;
  private final Set<Runnable> subscribers = new CopyOnWriteArraySet<>();
  /**
   * This store's signature on the news of its own commits: its one subscriber, the publisher that
   * sent, woke itself, so such news would only cost it a claim that finds nothing new.
   */
  private final String token = UUID.randomUUID().toString();
  private Listener listener; // guarded by this

  PostgresWakeups(DataSource dataSource, Transactions db, Schema schema, Object store) {
    this.dataSource = dataSource;
    this.channel = schema.deliveries.toLowerCase(Locale.ROOT); // as PostgreSQL folds the unquoted table name
    this.store = store;
    this.announcer = new PostgresAnnouncer(db, schema, channel, token);
  }

  /**
   * Whether {@code c} (of the store's {@code DataSource}) is pgjdbc's, which this class needs to
   * listen; without pgjdbc on the class path or module path (another driver), false.
   */
  static boolean supported(Connection c) {
    try {
      return c.isWrapperFor(Class.forName("org.postgresql.PGConnection", false, PostgresWakeups.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError | SQLException e) {
      return false;
    }
  }

  /**
   * Announces new deliveries to every store listening on the same tables: now that the store's
   * own transaction committed ({@code callers} null), or once the caller's transaction on
   * {@code callers} that enqueued {@code eventId} has committed (see {@link PostgresAnnouncer}).
   */
  void announce(Connection callers, String eventId) {
    if (callers == null) {
      announcer.committed();
    } else {
      announcer.watch(callers, eventId);
    }
  }

  /** Calls {@code wake} on news until the returned handle is closed. */
  AutoCloseable subscribe(Runnable wake) {
    Runnable mine = wake::run; // a handle of its own, even if the same Runnable subscribes twice
    synchronized (this) {
      subscribers.add(mine);
      if (listener == null) {
        listener = new Listener();
        listener.thread.start();
      }
    }
    return () -> unsubscribe(mine);
  }

  private void unsubscribe(Runnable wake) {
    Listener stopping;
    synchronized (this) {
      if (!subscribers.remove(wake) || !subscribers.isEmpty() || listener == null) {
        return;
      }
      stopping = listener;
      listener = null;
    }
    stopping.stop();
  }

  /**
   * Whether {@code news} is all of this store's own commits while one publisher uses it: that
   * publisher woke itself when it sent them. With several publishers on this store, the others
   * need it.
   */
  private boolean onlyOwn(PGNotification[] news) {
    if (subscribers.size() > 1) {
      return false;
    }
    for (PGNotification n : news) {
      if (!token.equals(n.getParameter())) {
        return false;
      }
    }
    return true;
  }

  private void wakeAll() {
    for (Runnable r : subscribers) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("{}: a subscriber to new deliveries threw", store, e);
      }
    }
  }

  /** The wait for a delay from {@link #FIRST_BACKOFF}, doubled at each failure up to {@link #MAX_BACKOFF}. */
  static Duration nextBackoff(Duration last) {
    if (last == null) {
      return FIRST_BACKOFF;
    }
    Duration doubled = last.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  /** One listening thread; a new one after each stop. */
  private final class Listener implements Runnable {
    final Thread thread = new Thread(this, "hookpost-listen-" + channel);
    private volatile boolean stopped;

    Listener() {
      thread.setDaemon(true);
    }

    void stop() {
      stopped = true;
      thread.interrupt(); // ends a backoff sleep; a wait for notifications ends within WAIT_MILLIS
      try {
        thread.join(2 * WAIT_MILLIS + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      Duration backoff = null;
      while (!stopped) {
        try (Connection c = dataSource.getConnection()) {
          listen(c);
          backoff = null;
          wakeAll(); // news sent while not listening is lost: look now
          try {
            waitForNews(c.unwrap(PGConnection.class));
          } finally {
            // Through the pool's handle: the wait above went to the driver's connection, past the
            // pool, so a pool would take a broken connection back as healthy and hand it to the
            // application's next transaction. A statement that fails here lets it see and drop it.
            unlisten(c);
          }
        } catch (SQLException | RuntimeException e) {
          if (stopped) {
            return;
          }
          backoff = nextBackoff(backoff);
          log.warn("{} lost its connection listening for new deliveries ({}); reconnecting in {} ms, polling meanwhile",
              store, e.getMessage(), backoff.toMillis());
          try {
            Thread.sleep(backoff.toMillis());
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }

    private void listen(Connection c) throws SQLException {
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("SET application_name = '" + APPLICATION_NAME + "'");
        st.execute("LISTEN \"" + channel + "\"");
      }
    }

    private void waitForNews(PGConnection pg) throws SQLException {
      while (!stopped) {
        PGNotification[] news = pg.getNotifications(WAIT_MILLIS);
        if (news != null && news.length > 0 && !onlyOwn(news)) {
          wakeAll();
        }
      }
    }

    /** Leaves a pooled connection as it found it. */
    private void unlisten(Connection c) {
      try (Statement st = c.createStatement()) {
        st.execute("UNLISTEN *");
        st.execute("RESET application_name");
      } catch (SQLException e) {
        log.debug("{}: could not reset the listening connection before closing it", store, e);
      }
    }
  }
}
