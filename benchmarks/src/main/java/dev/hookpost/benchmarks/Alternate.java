package dev.hookpost.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Measures the sides of one figure, each in its own fresh JVM ({@link HttpBench}), in short
 * windows taken in turn: A B B A A B B A ... (with three sides, A B C B C A C A B ...). On this
 * shared machine a JVM's rate wanders by ±30 % over seconds; measured one after the other, the
 * sides of a figure would meet different machines, and their ratio would mostly say which side
 * ran in the better seconds. Taken in turn, every side meets the same drift, and the turn order,
 * rotated each time, does not favour the side that goes first.
 *
 * <p>The sides warm up one after the other (never two at once), then:
 * <ul>
 *   <li>throughput and isolation: one untimed step of {@link HttpBench#CHUNK} requests each,
 *       then {@value #WINDOWS} timed windows of at least {@value #WINDOW_SECONDS} s each;
 *   <li>at 1 in flight, then latency: a warm-up of that path each, 500 untimed requests each,
 *       then {@value #LATENCY_BATCHES} timed batches of {@value #LATENCY_BATCH} requests each;
 *   <li>fan-out: one untimed fan-out each, then {@value #FAN_OUT_BATCHES} batches of
 *       {@value #FAN_OUT_BATCH} timed fan-outs each.
 * </ul>
 * The child JVMs get this JVM's own options (heap, JIT, {@code -Dround=N}) and class path. A
 * side that fails, or does not answer a command within {@value Child#COMMAND_SECONDS} s, is
 * reported on standard error, stopped and left out; the others go on, and this JVM then exits
 * with status 1.
 *
 * <pre>
 * java -XX:-TieredCompilation -Dround=1 -cp ... dev.hookpost.benchmarks.Alternate \
 *     throughput sync 8 URL -- throughput hookpost 8 URL -- throughput hanging 8 URL
 * </pre>
 */
public final class Alternate {
  static final int WINDOWS = 4;
  static final double WINDOW_SECONDS = 0.6;
  static final int LATENCY_BATCHES = 4;
  static final int LATENCY_BATCH = 5_000;
  static final int FAN_OUT_BATCHES = 4;
  static final int FAN_OUT_BATCH = 4;

  private Alternate() {}

  public static void main(String[] args) throws Exception {
    List<List<String>> sides = new ArrayList<>();
    sides.add(new ArrayList<>());
    for (String a : args) {
      if (a.equals("--")) {
        sides.add(new ArrayList<>());
      } else {
        sides.get(sides.size() - 1).add(a);
      }
    }
    String figure = sides.get(0).get(0);
    List<Child> children = new ArrayList<>();
    try {
      for (List<String> side : sides) {
        Child c = new Child(side);
        children.add(c);
        c.command(null); // until READY: its warm-up
      }
      if (figure.equals("fanout")) {
        inTurn(children, "fanout 1 drop", 1);
        inTurn(children, "fanout " + FAN_OUT_BATCH + " keep", FAN_OUT_BATCHES);
      } else {
        inTurn(children, "rate 0.1 drop", 1);
        inTurn(children, "rate " + WINDOW_SECONDS + " keep", WINDOWS);
        if (sides.get(0).get(2).equals("1")) {
          for (Child c : children) {
            c.command("warmlat");
          }
          inTurn(children, "lat 500 drop", 1);
          inTurn(children, "lat " + LATENCY_BATCH + " keep", LATENCY_BATCHES);
        }
      }
      for (Child c : children) {
        c.command("report");
      }
    } finally {
      for (Child c : children) {
        c.stop();
      }
    }
    System.exit(children.stream().anyMatch(c -> c.failed) ? 1 : 0);
  }

  /**
   * Sends {@code command} to every side {@code times} times, in turn, the order rotated by one
   * each time: A B, B A, A B ... with two sides; A B C, B C A, C A B ... with three, so that no
   * side runs two windows back to back and each comes first as often as the others.
   */
  static void inTurn(List<Child> children, String command, int times) {
    for (int t = 0; t < times; t++) {
      for (int i = 0; i < children.size(); i++) {
        children.get((i + t) % children.size()).command(command);
      }
    }
  }

  /** One side's JVM: commands on its standard input; its RESULT lines are passed on. */
  static final class Child {
    /** How long one command may take, warm-up included, before the side counts as hung. */
    static final long COMMAND_SECONDS = 120;
    /** Stands for the end of the side's output in {@link #lines}. */
    static final String ENDED = new String("(ended)");

    final List<String> args;
    final Process process;
    final PrintWriter in;
    /** The side's output lines, read on a thread of their own so that a hung side cannot hold the driver. */
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    boolean failed;

    Child(List<String> args) throws IOException {
      this.args = args;
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HttpBench.class.getName()));
      cmd.addAll(args);
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Thread reader = new Thread(() -> {
        try (out) {
          for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ended) {
          // the side was stopped: the same as the end of its output
        }
        lines.add(ENDED);
      });
      reader.setDaemon(true);
      reader.start();
    }

    /**
     * Sends {@code command} (null: none, for the warm-up) and passes the side's RESULT lines on
     * until it answers OK (READY after its warm-up). A side that ends instead, or takes longer
     * than {@value #COMMAND_SECONDS} s, is marked failed, stopped, and asked nothing more; the
     * other sides go on.
     */
    void command(String command) {
      if (failed) {
        return;
      }
      if (command != null) {
        in.println(command);
      }
      String done = command == null ? "READY" : "OK";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_SECONDS);
      String why;
      try {
        while (true) {
          String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (line == null) {
            why = "no answer in " + COMMAND_SECONDS + " s";
            break;
          }
          if (line == ENDED) {
            why = "it ended";
            break;
          }
          if (line.equals(done)) {
            return;
          }
          if (line.startsWith("RESULT")) {
            System.out.println(line);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        why = "interrupted";
      }
      failed = true;
      System.err.println("== failed: " + String.join(" ", args) + " at " + (command == null ? "warm-up" : command)
          + " (" + why + ")");
      process.destroyForcibly();
    }

    void stop() throws InterruptedException {
      in.println("quit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
