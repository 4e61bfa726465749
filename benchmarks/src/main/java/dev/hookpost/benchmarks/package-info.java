/** Benchmarks of Hookpost against hand-written OkHttp code; run them with {@code benchmarks/run.sh}. */
package dev.hookpost.benchmarks;
