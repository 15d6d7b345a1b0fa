/**
 * Step logs: what a step's code prints to {@code System.out} and {@code System.err} on its worker thread, teed into a
 * bounded per-step buffer ({@link dev.cairn.engine.logs.StepOutputCapture}, {@link dev.cairn.engine.logs.StepLogBuffer})
 * and stored in the run's artifact store when the step ends ({@link dev.cairn.engine.logs.StepLogs}).
 */
@NullMarked
package dev.cairn.engine.logs;

import org.jspecify.annotations.NullMarked;
