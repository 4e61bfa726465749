/** Runnable programs that show Hookpost doing real work on loopback. */
package dev.hookpost.examples;
