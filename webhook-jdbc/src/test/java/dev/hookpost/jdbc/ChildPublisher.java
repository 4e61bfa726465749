package dev.hookpost.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link CrashChild} publisher running in a child JVM: the same java binary and class path as
 * this test JVM. {@link #close()} always destroys it, so use it in try-with-resources.
 */
final class ChildPublisher implements AutoCloseable {
  /** Exit status of a JVM that SIGKILL ended: 128 + 9. */
  static final int KILLED_BY_SIGKILL = 137;

  private final Process process;
  private final Path stderr;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final java.util.function.Consumer<String> lines;
  private final Thread reader;

  private ChildPublisher(Process process, Path stderr, java.util.function.Consumer<String> lines) {
    this.process = process;
    this.stderr = stderr;
    this.lines = lines;
    this.reader = new Thread(this::readStdout, "child-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@link CrashChild} with {@code args} ({@code name=value}); its stderr goes to a file in {@code dir}. */
  static ChildPublisher start(Path dir, Map<String, String> args) throws IOException {
    return start(dir, CrashChild.class, args, line -> {});
  }

  /**
   * Starts {@code main} with {@code args}, handing each line it prints to {@code lines} (on a
   * thread of its own); {@link CrashChild#READY} completes {@link #awaitReady} as well.
   */
  static ChildPublisher start(Path dir, Class<?> main, Map<String, String> args,
      java.util.function.Consumer<String> lines) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow(
        () -> new IllegalStateException("cannot tell which java binary runs this test")));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Xmx256m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1"); // starts faster; these children live for seconds
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=error");
    command.add(main.getName());
    args.forEach((k, v) -> command.add(k + "=" + v));
    Path err = Files.createTempFile(dir, "child-", ".stderr");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    return new ChildPublisher(p, err, lines);
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        lines.accept(line);
        if (line.equals(CrashChild.READY)) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // the child died; ready fails below
    }
    ready.completeExceptionally(new IllegalStateException("the child publisher exited before it was ready"));
  }

  /** Waits until the child has enqueued (committed) every event. */
  void awaitReady(Duration timeout) throws Exception {
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the child publisher did not print " + CrashChild.READY + " within " + timeout
          + "; its stderr:\n" + stderr(), e);
    }
  }

  /**
   * Kills the child with SIGKILL ({@link Process#destroyForcibly()} on Linux: no shutdown hooks,
   * no finally blocks, nothing flushed) and waits until it is gone.
   *
   * @return its exit status, {@value #KILLED_BY_SIGKILL} when SIGKILL ended it
   */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("the child publisher " + process.pid() + " survived SIGKILL for 10 s");
    }
    reader.join(10_000); // every line it printed before it died is read
    return process.exitValue();
  }

  String stderr() {
    try {
      return Files.readString(stderr);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Kills the child if it still runs, and waits up to 10 s for it to go. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
