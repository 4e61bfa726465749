package dev.hookpost.jdbc;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side of instant pickup on PostgreSQL: tells the stores listening on the same tables
 * ({@link PostgresWakeups}) that deliveries were committed, with a {@code pg_notify} of its own
 * after the commit, never inside the enqueue's transaction.
 *
 * <p>Why not in the enqueue's transaction, where PostgreSQL would send it exactly at commit: a
 * transaction that notifies takes a lock global to the database from its commit until the end of
 * its commit's flush to disk, so concurrent committers that notify wait for each other's disk
 * writes one by one instead of sharing them. Measured with {@code NotifyCost} (8 threads, one
 * event per transaction, {@code synchronous_commit} on) that cut transactional enqueues to about
 * a quarter. Here the notification commits in a transaction of its own, one at a time per store,
 * with {@code synchronous_commit off} (it holds no data), so the lock is held for microseconds
 * and the application's commits never touch it.
 *
 * <ul>
 *   <li>After the store's own enqueue transaction commits: {@link #committed}, one notification
 *       soon after (the requests that arrive meanwhile share it), signed with the store's token,
 *       so that the store's own listener need not wake the publisher that sent.
 *   <li>After an enqueue in the caller's transaction, whose commit the store does not see:
 *       {@link #watch} the event id; one thread looks for the watched events (at most two per
 *       connection) every 5 ms (every 100 ms once the newest is a second old), and notifies once
 *       some are visible, that is, committed. A connection whose events are not seen within
 *       {@value #WATCH_SECONDS} s (rolled back, or a long transaction) is no longer watched: the
 *       publishers' poll finds them.
 * </ul>
 *
 * <p>Thread-safe: one daemon thread per store, started on demand and ended after a minute idle;
 * the watched ids and the request flag are guarded by this object's monitor.
 */
final class PostgresAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryStore.class);
  static final int WATCH_SECONDS = 30;
  private static final long FAST_NANOS = 1_000_000_000L;
  private static final long IDLE_MILLIS = 60_000;

  private final Transactions db;
  private final Schema schema;
  private final String channel;
  private final String token;
  /** Per caller's connection (by identity), what to look for; guarded by this. */
  private final Map<Object, Watch> watched = new IdentityHashMap<>();
  private boolean requested; // guarded by this
  private Thread thread;     // guarded by this: null when not running

  /** @param token the payload of a notification that only announces this store's own commits */
  PostgresAnnouncer(Transactions db, Schema schema, String channel, String token) {
    this.db = db;
    this.schema = schema;
    this.channel = channel;
    this.token = token;
  }

  /** The store's own transaction that enqueued has committed: notify soon. */
  synchronized void committed() {
    requested = true;
    wakeUp();
  }

  /**
   * {@code eventId} was enqueued in the caller's transaction on {@code connection}: notify once it
   * is committed. Per connection two ids are enough, whatever the number of events: the first
   * not yet seen and the latest. A connection's transactions commit one after the other, so when
   * the first is seen, every earlier transaction of the connection has committed too and the one
   * notification covers them; the latest then takes its place.
   */
  synchronized void watch(Object connection, String eventId) {
    Watch w = watched.get(connection);
    if (w == null) {
      watched.put(connection, new Watch(eventId, eventId, System.nanoTime()));
    } else {
      watched.put(connection, new Watch(w.first, eventId, System.nanoTime()));
    }
    wakeUp();
  }

  /** What is looked for on one connection; {@code since} is when {@code latest} was enqueued. */
  private record Watch(String first, String latest, long since) {}

  private void wakeUp() { // holds this
    if (thread == null) {
      thread = new Thread(this::run, "hookpost-announce-" + channel);
      thread.setDaemon(true);
      thread.start();
    } else {
      notifyAll();
    }
  }

  private void run() {
    while (true) {
      boolean notify;
      List<String> look;
      synchronized (this) {
        if (!requested && watched.isEmpty()) {
          try {
            wait(IDLE_MILLIS);
          } catch (InterruptedException e) {
            thread = null;
            return;
          }
          if (!requested && watched.isEmpty()) {
            thread = null; // idle for a minute: the next request starts another
            return;
          }
        }
        notify = requested;
        requested = false;
        look = new ArrayList<>();
        for (Watch w : watched.values()) {
          look.add(w.first);
          look.add(w.latest);
        }
      }
      try {
        boolean watchedCommitted = !look.isEmpty() && forgetCommitted(look);
        if (notify || watchedCommitted) {
          // One statement in auto-commit, one round trip; it holds no data, so its commit need not wait for the disk.
          String payload = watchedCommitted ? "" : token; // a caller's commit: the sending publisher needs the news too
          db.statement("announce new deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_notify(?, ?) FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed")) {
              ps.setString(1, channel);
              ps.setString(2, payload);
              ps.execute();
            }
            return null;
          });
          notify = true;
        }
        pause(notify);
      } catch (RuntimeException e) { // the database is away: the publishers poll meanwhile
        log.debug("could not announce new deliveries on {}; trying again in 1 s", channel, e);
        sleep(1000);
      }
    }
  }

  /** Stops watching the events among {@code look} that are visible now, or watched too long; whether any was visible. */
  private boolean forgetCommitted(List<String> look) {
    Set<String> visible = new HashSet<>();
    db.read("look for committed events", c -> {
      Rows.selectIn(c, "SELECT event_id FROM " + schema.events + " WHERE event_id", look, "",
          rs -> visible.add(rs.getString(1)));
      return null;
    });
    long tooOld = System.nanoTime() - WATCH_SECONDS * 1_000_000_000L;
    synchronized (this) {
      for (Iterator<Map.Entry<Object, Watch>> it = watched.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Object, Watch> e = it.next();
        Watch w = e.getValue();
        if (visible.contains(w.latest) || w.since - tooOld < 0) {
          it.remove();
        } else if (visible.contains(w.first)) {
          e.setValue(new Watch(w.latest, w.latest, w.since));
        }
      }
    }
    return !visible.isEmpty();
  }

  /**
   * Spaces the rounds: 5 ms after a notification (what arrives meanwhile shares the next one, so
   * a busy sender notifies at most 200 times a second);
   * while events are watched, 5 ms, or up to 100 ms (cut short by new work) once the youngest
   * is over a second old.
   */
  private void pause(boolean notified) {
    long youngest = Long.MIN_VALUE;
    boolean watching;
    synchronized (this) {
      for (Watch w : watched.values()) {
        youngest = Math.max(youngest, w.since);
      }
      watching = !watched.isEmpty();
    }
    if (!watching) {
      if (notified) {
        sleep(5);
      }
      return;
    }
    sleep(5);
    if (System.nanoTime() - youngest >= FAST_NANOS) {
      synchronized (this) {
        if (!requested) {
          try {
            wait(95);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
